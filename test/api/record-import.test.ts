import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZipStream } from '../../apps/api/src/modules/exports/zip-stream.js';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/** POST /api/forms/:key/imports: CSV in, every row validated; a dry run reports, a commit writes all or nothing. */
let server: TestServer;
let adminToken: string;
let admin: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 20 });
  adminToken = await login(server.baseUrl, 'admin@demo.local');
  admin = api(server.baseUrl, adminToken);
});
afterAll(() => server?.close());

async function upload(body: string | Buffer, query = 'dryRun=true', headers: Record<string, string> = {}, form = 'customer') {
  const res = await fetch(`${server.baseUrl}/api/forms/${form}/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
}

async function customerCount(): Promise<number> {
  const [row] = await ownerQuery<{ n: number }>(
    server.databaseUrl,
    `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer'`,
  );
  return row!.n;
}

/** A GBK encoder for the few characters these tests use is not in Node: build the bytes from a table. */
const GBK: Record<string, number[]> = {
  客: [0xbf, 0xcd], 户: [0xbb, 0xa7], 名: [0xc3, 0xfb], 称: [0xb3, 0xc6], 类: [0xc0, 0xe0], 型: [0xd0, 0xcd], 个: [0xb8, 0xf6], 人: [0xc8, 0xcb],
  联: [0xc1, 0xaa], 系: [0xcf, 0xb5], 张: [0xd5, 0xc5], 三: [0xc8, 0xfd], 销: [0xcf, 0xfa], 售: [0xca, 0xdb], 负: [0xb8, 0xba], 责: [0xd4, 0xf0],
  信: [0xd0, 0xc5], 用: [0xd3, 0xc3], 额: [0xb6, 0xee], 度: [0xb6, 0xc8], 公: [0xb9, 0xab], 司: [0xcb, 0xbe], 甲: [0xbc, 0xd7], 乙: [0xd2, 0xd2],
  '¥': [0xa3, 0xa4],
};
function gbk(text: string): Buffer {
  return Buffer.from([...text].flatMap((c) => (c.charCodeAt(0) < 0x80 ? [c.charCodeAt(0)] : (GBK[c] ?? (() => { throw new Error(`no GBK for ${c}`); })()))));
}

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
}

describe('successful: CSV import', () => {
  it('dry run maps zh-CN labels, converts money, dates and option labels, and writes nothing', async () => {
    const before = await customerCount();
    const names = [uniqueName('导入'), uniqueName('导入')];
    const file = '\uFEFF' + csv([
      ['客户名称', '客户类型', '国家/地区', '联系人', '销售负责人', '信用额度', '成立日期', '是否中小企业', 'registered_capital'],
      [names[0]!, '个人', '中国大陆', '张三', 'admin@demo.local', '¥1,234,567.89', '2026/11/25', '是', '100'],
      [names[1]!, 'Individual', 'CN', '李四', '系统管理员', '￥2,000', '2020年1月5日', '否', ''],
    ]);
    const res = await upload(file);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, encoding: 'utf-8', rows: { total: 2, valid: 2, invalid: 0, empty: 0 }, errors: [] });
    expect(res.body.columns.map((c: { field: string }) => c.field)).toEqual(['name', 'customer_type', 'country', 'contact_name', 'sales_owner', 'credit_limit', 'established_on', 'is_sme', 'registered_capital']);
    expect(await customerCount()).toBe(before);
  });

  it('commit writes every row with converted values, in one go, audited', async () => {
    const name = uniqueName('提交');
    const file = csv([
      ['name', 'customer_type', 'country', 'contact_name', 'sales_owner', 'credit_limit', 'established_on', 'is_sme'],
      [name, '个人', 'CN', '张三', 'admin@demo.local', '¥1,234,567.89', '2026年11月25日', '是'],
      [uniqueName('提交'), '企业', 'CN', '王五', 'staff@demo.local', '(1,000.00)', '2026.1.5', 'false'],
    ]);
    const bad = await upload(file, 'dryRun=false');
    // The second row: a company needs a USCC and a credit limit cannot be negative.
    expect(bad.status).toBe(400);
    const uscc = uniqueUscc();
    const good = csv([
      ['name', 'customer_type', 'country', 'contact_name', 'sales_owner', 'credit_limit', 'established_on', 'is_sme', 'uscc'],
      [name, '个人', 'CN', '张三', 'admin@demo.local', '¥1,234,567.89', '2026年11月25日', '是', ''],
      [uniqueName('提交'), '企业', 'CN', '王五', 'staff@demo.local', '1000', '2026.1.5', 'false', uscc],
    ]);
    const before = await customerCount();
    const res = await upload(good, 'dryRun=false');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ dryRun: false, created: 2, rows: { total: 2, valid: 2, invalid: 0 } });
    expect(await customerCount()).toBe(before + 2);
    const [row] = await ownerQuery<{ data: Record<string, unknown> }>(server.databaseUrl, `SELECT data FROM records WHERE data->>'name' = $1`, [name]);
    expect(row!.data).toMatchObject({ credit_limit: '1234567.89', established_on: '2026-11-25', is_sme: true, customer_type: '个人', country: 'CN' });
    expect(row!.data.customer_code).toMatch(/\S/);
    const audit = await admin.get('/api/audit?action=record.import');
    expect(audit.body.items[0]).toMatchObject({ entity: 'form:customer', details: { rows: 2, encoding: 'utf-8' } });
  });

  it('reads GBK/GB18030 files from Chinese Excel', async () => {
    const name = `甲乙公司${Date.now()}`;
    const bytes = Buffer.concat([gbk('客户名称,客户类型,联系人,销售负责人,信用额度\r\n'), gbk(`${name},个人,张三,admin@demo.local,"¥1,000"\r\n`)]);
    const res = await upload(bytes, 'dryRun=false');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ encoding: 'gb18030', created: 1 });
    const [row] = await ownerQuery<{ data: Record<string, unknown> }>(server.databaseUrl, `SELECT data FROM records WHERE data->>'name' = $1`, [name]);
    expect(row!.data).toMatchObject({ credit_limit: '1000', contact_name: '张三' });
  });

  it('an export re-imports with no change (computed columns read past)', async () => {
    const fields = 'customer_code,name,customer_type,country,contact_name,sales_owner,credit_limit,established_on,is_sme,industry,uscc';
    const filter = encodeURIComponent(JSON.stringify({ customer_type: { in: ['个人', '企业'] } }));
    const exported = await fetch(`${server.baseUrl}/api/forms/customer/export.csv?headers=labels&fields=${fields}&filter=${filter}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(exported.status).toBe(200);
    const file = Buffer.from(await exported.arrayBuffer());
    const snapshot = async (deleted: boolean) =>
      (
        await ownerQuery<{ data: Record<string, unknown> }>(
          server.databaseUrl,
          `SELECT r.data FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer' AND r.data->>'customer_type' IN ('个人', '企业') AND (r.deleted_at IS NOT NULL) = $1`,
          [deleted],
        )
      )
        .map(({ data }) => JSON.stringify(Object.fromEntries(fields.split(',').slice(1).filter((k) => k in data).map((k) => [k, data[k]]))))
        .sort();
    const before = await snapshot(false);
    expect(before.length).toBeGreaterThan(5);
    // Insert mode against the same records: only their unique values collide.
    const clash = await upload(file);
    expect(clash.body.errors.every((e: { message: string }) => e.message.includes('已有记录重复')), clash.text).toBe(true);
    // Once they are gone, the file brings them back exactly.
    await ownerQuery(server.databaseUrl, `UPDATE records SET deleted_at = now() FROM forms f WHERE f.id = records.form_id AND f.key = 'customer' AND records.data->>'customer_type' IN ('个人', '企业') AND records.deleted_at IS NULL`);
    const res = await upload(file, 'dryRun=false');
    expect(res.status, res.text).toBe(201);
    expect(res.body.columns[0]).toMatchObject({ field: 'customer_code', ignored: true });
    expect(res.body.created).toBe(before.length);
    expect(await snapshot(false)).toEqual(before);
  });

  it('skips empty rows and counts them', async () => {
    const res = await upload(`name,customer_type,contact_name,sales_owner\r\n${uniqueName('空行')},个人,张三,admin@demo.local\r\n,,,\r\n\r\n`);
    expect(res.status, res.text).toBe(200);
    expect(res.body.rows, res.text).toMatchObject({ total: 1, valid: 1, empty: 2 });
  });
});

describe('references and rules', () => {
  it('a reference cell may name its record by title or code; unknown names are row errors', async () => {
    // Fresh customers, normal and without a limit: demo customers may be frozen or at their limit (credit control refuses those rows).
    const me = (await admin.get('/api/auth/me')).body.id;
    const make = async () => (await admin.post('/api/forms/customer/records', { data: { name: uniqueName('引用'), customer_type: '个人', country: 'CN', contact_name: '张三', sales_owner: me } })).body;
    const [a, b] = [await make(), await make()] as Array<{ id: string; data: { name: string; customer_code: string } }>;
    const file = csv([
      ['客户', '业务日期', '应收金额(含税)', 'contract_no'],
      [a!.data.name, '2026/11/01', '¥12,345.60', 'HT-1'],
      [b!.data.customer_code, '2026年11月2日', '100', 'HT-2'],
      [a!.id, '2026-11-03', '1', 'HT-3'],
      ['不存在的客户有限公司', '2026-11-04', '1', 'HT-4'],
    ]);
    const dry = await upload(file, 'dryRun=true', {}, 'receivable');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.rows).toMatchObject({ total: 4, valid: 3, invalid: 1 });
    expect(dry.body.errors).toEqual([expect.objectContaining({ row: 5, column: 1, field: 'customer' })]);
    const commit = await upload(file.split('\r\n').slice(0, 4).join('\r\n'), 'dryRun=false', {}, 'receivable');
    expect(commit.status, commit.text).toBe(201);
    const stored = await ownerQuery<{ customer: string; contract_no: string; amount: string }>(
      server.databaseUrl,
      `SELECT data->>'customer' AS customer, data->>'contract_no' AS contract_no, data->>'amount' AS amount FROM records WHERE data->>'contract_no' LIKE 'HT-%' ORDER BY 2`,
    );
    expect(stored).toEqual([
      { customer: a!.id, contract_no: 'HT-1', amount: '12345.60' },
      { customer: b!.id, contract_no: 'HT-2', amount: '100' },
      { customer: a!.id, contract_no: 'HT-3', amount: '1' },
    ]);
  });

  it("the form's published validation rules judge every row", async () => {
    const current = (await admin.get('/api/forms/customer/rules')).body.published.document;
    const ruleSet = structuredClone(current);
    ruleSet.rules.push({
      id: 'import_limit_cap',
      kind: 'validation',
      title: { 'zh-CN': '额度上限', en: 'Limit cap' },
      conditions: { all: [{ fact: 'credit_limit', operator: 'greaterThan', value: 90000000 }] },
      field: 'credit_limit',
      message: { 'zh-CN': '信用额度不得超过九千万', en: 'The credit limit may not exceed 90 million' },
    });
    const saved = await admin.call('PUT', '/api/forms/customer/rules', { body: { ruleSet } });
    expect(saved.status, saved.text).toBe(200);
    const published = await admin.post('/api/forms/customer/rules/publish');
    expect(published.status, published.text).toBe(200);
    const res = await upload(csv([
      ['name', 'customer_type', 'contact_name', 'sales_owner', 'credit_limit'],
      [uniqueName('规则'), '个人', '张三', 'admin@demo.local', '95,000,000'],
      [uniqueName('规则'), '个人', '张三', 'admin@demo.local', '5,000,000'],
    ]), 'dryRun=true', { 'accept-language': 'en' });
    expect(res.status, res.text).toBe(200);
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 2, column: 5, field: 'credit_limit', message: 'The credit limit may not exceed 90 million' })]);
    expect(res.body.rows).toMatchObject({ valid: 1, invalid: 1 });
  });
});

/** A one-sheet workbook as Excel writes one: shared strings, styles left out. */
async function workbook(sheetData: string, shared: string[] = [], extra = ''): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const zip = new ZipStream(async (chunk) => void chunks.push(chunk));
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  await zip.file('[Content_Types].xml', '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>');
  await zip.file('xl/workbook.xml', `<workbook ${ns} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="客户" sheetId="1" r:id="rId7"/></sheets></workbook>`);
  await zip.file('xl/_rels/workbook.xml.rels', '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId7" Type="worksheet" Target="worksheets/data.xml"/></Relationships>');
  await zip.file('xl/sharedStrings.xml', `<sst ${ns}>${shared.map((t) => `<si><t>${t}</t></si>`).join('')}</sst>`);
  await zip.file('xl/worksheets/data.xml', `<worksheet ${ns}><sheetData>${sheetData}</sheetData>${extra}</worksheet>`);
  await zip.finish();
  return Buffer.concat(chunks);
}

describe('XLSX import', () => {
  const XLSX = { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

  it('reads shared strings, numbers and date serials, and explains formula and error cells', async () => {
    const names = [uniqueName('表格'), uniqueName('表格'), uniqueName('表格')];
    const shared = ['客户名称', '客户类型', '联系人', '销售负责人', '信用额度', '成立日期', '个人', '张三', 'admin@demo.local', ...names];
    const s = (i: number) => `<c t="s"><v>${i}</v></c>`;
    const sheet =
      `<row r="1">${[0, 1, 2, 3, 4, 5].map(s).join('')}</row>` +
      `<row r="2"><c r="A2" t="s"><v>9</v></c><c r="B2" t="s"><v>6</v></c><c r="C2" t="s"><v>7</v></c><c r="D2" t="s"><v>8</v></c><c r="E2"><v>1234567.8899999999</v></c><c r="F2" s="1"><v>46351</v></c></row>` +
      `<row r="4"><c r="A4" t="s"><v>10</v></c><c r="B4" t="s"><v>6</v></c><c r="C4" t="inlineStr"><is><t>李&amp;四</t></is></c><c r="D4" t="s"><v>8</v></c><c r="E4"><f>SUM(1,2)</f><v>3</v></c></row>` +
      `<row r="5"><c r="A5" t="s"><v>11</v></c><c r="B5" t="s"><v>6</v></c><c r="C5" t="e"><v>#N/A</v></c><c r="D5" t="s"><v>8</v></c></row>`;
    const res = await upload(await workbook(sheet, shared), 'dryRun=true', XLSX);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ encoding: 'xlsx', rows: { total: 3, valid: 1, invalid: 2 } });
    expect(res.body.errors).toEqual([
      expect.objectContaining({ row: 4, column: 5, field: 'credit_limit', message: '单元格含公式，请先“粘贴为数值”' }),
      expect.objectContaining({ row: 5, column: 3, field: 'contact_name' }),
    ]);
    const ok = await upload(await workbook(sheet.replace(/<row r="4">[\s\S]*$/, ''), shared), 'dryRun=false', XLSX);
    expect(ok.status, ok.text).toBe(201);
    const [row] = await ownerQuery<{ data: Record<string, unknown> }>(server.databaseUrl, `SELECT data FROM records WHERE data->>'name' = $1`, [names[0]]);
    expect(row!.data).toMatchObject({ credit_limit: '1234567.89', established_on: '2026-11-25', contact_name: '张三' });
  });

  it('our own XLSX export re-imports with no change', async () => {
    const fields = 'customer_code,name,customer_type,country,contact_name,sales_owner,credit_limit,established_on,is_sme,industry,uscc,foreign_tax_id,registered_capital';
    const types = ['个体工商户', '事业单位', '政府机关', '境外企业'];
    const filter = encodeURIComponent(JSON.stringify({ customer_type: { in: types } }));
    const exported = await fetch(`${server.baseUrl}/api/forms/customer/export.xlsx?headers=labels&fields=${fields}&filter=${filter}`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(exported.status).toBe(200);
    const file = Buffer.from(await exported.arrayBuffer());
    const snapshot = async () =>
      (
        await ownerQuery<{ data: Record<string, unknown> }>(
          server.databaseUrl,
          `SELECT r.data FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer' AND r.data->>'customer_type' = ANY($1) AND r.deleted_at IS NULL`,
          [types],
        )
      )
        .map(({ data }) => JSON.stringify(Object.fromEntries(fields.split(',').slice(1).filter((k) => k in data).map((k) => [k, data[k]]))))
        .sort();
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(0);
    await ownerQuery(server.databaseUrl, `UPDATE records SET deleted_at = now() FROM forms f WHERE f.id = records.form_id AND f.key = 'customer' AND records.data->>'customer_type' = ANY($1) AND records.deleted_at IS NULL`, [types]);
    const res = await upload(file, 'dryRun=false', { 'content-type': 'application/octet-stream' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ encoding: 'xlsx', created: before.length });
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['merged header cells', async () => workbook('<row r="1"><c t="inlineStr"><is><t>name</t></is></c></row>', [], '<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>'), 1, 1],
    ['a truncated workbook', async () => (await workbook('<row r="1"></row>')).subarray(0, 60), 1, null],
    ['an old .xls', async () => Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 1, null],
  ])('%s is a 400 naming where, and nothing is written', async (_label, make, row, column) => {
    const before = await customerCount();
    const res = await upload(await make(), 'dryRun=false', XLSX);
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors[0].params).toMatchObject({ row, column });
    expect(await customerCount()).toBe(before);
  });
});

describe('failing: CSV import', () => {
  it('explains every bad row by row, column and field; a commit then writes nothing', async () => {
    const rows = [['客户名称', '客户类型', '联系人', '销售负责人', '信用额度', '成立日期', 'uscc', 'country']];
    for (let i = 0; i < 100; i++) rows.push([uniqueName('批量'), '个人', '张三', 'admin@demo.local', '1000', '2020-01-01', '', 'CN']);
    rows[10]![4] = '很多钱'; // row 11: money
    rows[20]![5] = '2026-02-30'; // row 21: date
    rows[30]![1] = '外星人'; // row 31: option
    rows[40]![0] = ''; // row 41: required name
    rows[50]![3] = 'nobody@nowhere'; // row 51: unknown user
    rows[60]![1] = '企业'; // row 61: a company needs a USCC
    const dup = uniqueUscc();
    rows[70]![1] = '企业';
    rows[70]![6] = dup;
    rows[80]![1] = '企业';
    rows[80]![6] = dup; // row 81: repeats row 71
    const before = await customerCount();
    const dry = await upload(csv(rows), 'dryRun=true', { 'accept-language': 'en' });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.rows).toMatchObject({ total: 100, invalid: 7, valid: 93 });
    const byRow = new Map<number, { column: number; field: string; message: string }>(dry.body.errors.map((e: any) => [e.row, e]));
    expect([...byRow.keys()]).toEqual([11, 21, 31, 41, 51, 61, 81]);
    expect(byRow.get(11)).toMatchObject({ column: 5, field: 'credit_limit' });
    expect(byRow.get(11)!.message).toContain('很多钱');
    expect(byRow.get(21)).toMatchObject({ column: 6, field: 'established_on' });
    expect(byRow.get(31)).toMatchObject({ column: 2, field: 'customer_type' });
    expect(byRow.get(31)!.message).toContain('Individual');
    expect(byRow.get(41)).toMatchObject({ field: 'name' });
    expect(byRow.get(51)).toMatchObject({ column: 4, field: 'sales_owner' });
    expect(byRow.get(61)).toMatchObject({ column: 7, field: 'uscc' });
    expect(byRow.get(81)).toMatchObject({ column: 7, field: 'uscc' });
    expect(byRow.get(81)!.message).toContain('71');

    const commit = await upload(csv(rows), 'dryRun=false');
    expect(commit.status).toBe(400);
    expect(await customerCount()).toBe(before);
    // Chosen explicitly: the valid rows go in, the bad ones are reported.
    const partial = await upload(csv(rows), 'dryRun=false&skipInvalid=true');
    expect(partial.status, partial.text).toBe(201);
    expect(partial.body).toMatchObject({ created: 93, skipped: 7 });
    expect(partial.body.errors.map((e: { row: number }) => e.row)).toEqual([11, 21, 31, 41, 51, 61, 81]);
    expect(await customerCount()).toBe(before + 93);
    await ownerQuery(server.databaseUrl, `DELETE FROM record_revisions WHERE record_id IN (SELECT id FROM records WHERE data->>'name' LIKE '批量%')`);
    await ownerQuery(server.databaseUrl, `DELETE FROM record_rule_results WHERE record_id IN (SELECT id FROM records WHERE data->>'name' LIKE '批量%')`);
    await ownerQuery(server.databaseUrl, `DELETE FROM records WHERE data->>'name' LIKE '批量%'`);
    expect(commit.headers.get('content-type')).toContain('application/problem+json');
    expect(commit.body.code).toBe('imports.invalid_rows');
    expect(commit.body.report.rows.invalid).toBe(7);
    expect(commit.body.errors[0]).toMatchObject({ path: '/rows/11/credit_limit', params: { row: 11, column: 5 } });
    expect(await customerCount()).toBe(before);
  });

  it('a value that already exists in a unique field is named', async () => {
    const [existing] = await ownerQuery<{ uscc: string }>(server.databaseUrl, `SELECT data->>'uscc' AS uscc FROM records WHERE data ? 'uscc' LIMIT 1`);
    const res = await upload(csv([['name', 'customer_type', 'contact_name', 'sales_owner', 'uscc'], [uniqueName('重复'), '企业', '张三', 'admin@demo.local', existing!.uscc]]));
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 2, column: 5, field: 'uscc' })]);
  });

  it('values already held by records, found when the write passes over them: named per row; all or nothing writes none, skip-bad-rows the rest', async () => {
    const [existing] = await ownerQuery<{ name: string; uscc: string }>(
      server.databaseUrl,
      `SELECT r.data->>'name' AS name, r.data->>'uscc' AS uscc FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer' AND r.data ? 'uscc' AND r.deleted_at IS NULL LIMIT 1`,
    );
    // Two chunks (5,000 rows each): a taken name in the first, a taken USCC in the last row of the second.
    const rows = [['name', 'customer_type', 'contact_name', 'sales_owner', 'uscc']];
    for (let i = 0; i < 6000; i++) rows.push([uniqueName('乐观'), '企业', '张三', 'admin@demo.local', uniqueUscc()]);
    rows[10]![0] = existing!.name; // row 11
    rows[6000]![4] = existing!.uscc; // row 6001
    const before = await customerCount();
    const commit = await upload(csv(rows), 'dryRun=false');
    expect(commit.status, commit.text).toBe(400);
    expect(commit.body.errors.map((e: { path: string }) => e.path)).toEqual(['/rows/11/name', '/rows/6001/uscc']);
    expect(await customerCount()).toBe(before);

    const partial = await upload(csv(rows), 'dryRun=false&skipInvalid=true');
    expect(partial.status, partial.text).toBe(201);
    expect(partial.body).toMatchObject({ created: 5998, skipped: 2 });
    expect(partial.body.errors).toEqual([
      expect.objectContaining({ row: 11, column: 1, field: 'name' }),
      expect.objectContaining({ row: 6001, column: 5, field: 'uscc' }),
    ]);
    expect(await customerCount()).toBe(before + 5998);
    const [stored] = await ownerQuery<{ records: number; revisions: number; results: number }>(
      server.databaseUrl,
      `SELECT (SELECT count(*)::int FROM records WHERE data->>'name' LIKE '乐观%') AS records,
              (SELECT count(*)::int FROM record_revisions rv JOIN records r ON r.id = rv.record_id WHERE r.data->>'name' LIKE '乐观%') AS revisions,
              (SELECT count(*)::int FROM record_rule_results rr JOIN records r ON r.id = rr.record_id WHERE r.data->>'name' LIKE '乐观%') AS results`,
    );
    expect(stored).toEqual({ records: 5998, revisions: 5998, results: 5998 });
    const [orphans] = await ownerQuery<{ n: number }>(
      server.databaseUrl,
      `SELECT (SELECT count(*) FROM record_revisions rv WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.id = rv.record_id))::int
            + (SELECT count(*) FROM record_rule_results rr WHERE NOT EXISTS (SELECT 1 FROM records r WHERE r.id = rr.record_id))::int AS n`,
    );
    expect(orphans!.n).toBe(0);
  });

  it.each([
    ['an unknown header', csv([['name', '客户星座'], ['x', 'y']]), 1, 2],
    ['two columns for one field', csv([['name', '客户名称'], ['x', 'y']]), 1, 2],
    ['an unclosed quote', 'name,contact_name\r\n"abc,def\r\n', 2, 1],
    ['an empty file', '', 1, null],
    ['a header-less blank file', '\r\n\r\n', 1, null],
  ])('%s is a 400 naming row and column, and nothing is written', async (_label, body, row, column) => {
    const before = await customerCount();
    for (const dryRun of ['true', 'false']) {
      const res = await upload(body, `dryRun=${dryRun}`);
      expect(res.status, res.text).toBe(400);
      const error = res.body.errors?.[0]?.params ?? res.body.report?.errors?.[0];
      expect(error).toMatchObject({ row, column });
    }
    expect(await customerCount()).toBe(before);
  });

  it('more cells than headers is a row error', async () => {
    const res = await upload(csv([['name', 'contact_name'], ['x', 'y', 'z']]));
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 2, column: 3 })]);
  });

  it('a broken workbook or a binary file is refused with a clear message', async () => {
    const res = await upload(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), 'dryRun=true', { 'accept-language': 'en' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].message).toContain('Excel');
    const binary = await upload(Buffer.from('name\r\nabc\0def\r\n'), 'dryRun=true');
    expect(binary.status).toBe(400);
    expect(binary.body.errors[0].params.row).toBe(2);
  });

  it('wrong content type is 415, a bad mode 400, an unknown form 404, too large 413, no auth 401', async () => {
    expect((await upload('name\r\nx', 'dryRun=true', { 'content-type': 'application/pdf' })).status).toBe(415);
    expect((await upload('name\r\nx', 'dryRun=true', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await upload('name\r\nx', 'mode=merge')).status).toBe(400);
    const keyless = await upload('name\r\nx', 'mode=upsert');
    expect([keyless.status, keyless.body.code]).toEqual([400, 'imports.key_required']);
    expect((await upload('name\r\nx', 'dryRun=maybe')).status).toBe(400);
    expect((await upload('name\r\nx', 'dryRun=true', {}, 'nope')).status).toBe(404);
    const big = await upload(Buffer.alloc(51 * 1024 * 1024, 0x61), 'dryRun=true');
    expect(big.status).toBe(413);
    const res = await fetch(`${server.baseUrl}/api/forms/customer/imports`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'name\r\nx' });
    expect(res.status).toBe(401);
  });

  it('a viewer may not import; hidden or read-only columns are refused', async () => {
    const viewer = await login(server.baseUrl, 'viewer@demo.local');
    const res = await fetch(`${server.baseUrl}/api/forms/customer/imports`, { method: 'POST', headers: { authorization: `Bearer ${viewer}`, 'content-type': 'text/csv' }, body: 'name\r\nx\r\n' });
    expect(res.status).toBe(403);
    const perms = await admin.call('PUT', '/api/forms/customer/permissions', { body: { fields: { credit_limit: { staff: 'readonly' } } } });
    expect(perms.status).toBe(200);
    const staff = await login(server.baseUrl, 'staff@demo.local');
    const denied = await fetch(`${server.baseUrl}/api/forms/customer/imports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${staff}`, 'content-type': 'text/csv' },
      body: csv([['name', 'customer_type', 'contact_name', 'sales_owner', 'credit_limit'], ['x', '个人', '张三', 'staff@demo.local', '1']]),
    });
    expect(denied.status).toBe(400);
    expect((await denied.json()).errors[0].params).toMatchObject({ row: 1, column: 5, field: 'credit_limit' });
    await admin.call('PUT', '/api/forms/customer/permissions', { body: {} });
  });
});
