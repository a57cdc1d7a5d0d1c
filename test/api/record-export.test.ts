import { crc32, inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldDefinition, FormDefinition } from '@credo/form-engine';
import { parseCsv as records } from '../../apps/api/src/modules/imports/csv-parse.js';
import { exportColumns, type HeaderMode } from '../../apps/api/src/modules/exports/export-columns.js';
import { api, login } from '../support/http.js';
import { uniqueName } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/** GET /api/forms/:key/export.csv: the record list, streamed, with the list's filters and permissions. */
let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;
let staffId: string;
const TRICKY = `${uniqueName('引号"逗号,')}`;
const FORMULA = `=HYPERLINK("http://evil")${uniqueName('')}`;

async function exportCsv(token: string, query: Record<string, string> = {}, headers: Record<string, string> = {}, form = 'customer') {
  const res = await fetch(`${server.baseUrl}/api/forms/${form}/export.csv?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
  const bytes = Buffer.from(await res.arrayBuffer());
  const text = bytes.toString('utf8');
  return { status: res.status, headers: res.headers, bytes, text, rows: [...records(text.replace(/^\uFEFF/, ''))].map((r) => r.cells) };
}
let adminToken: string;
let staffToken: string;
let viewerToken: string;

async function liveCustomers(owner?: string): Promise<number> {
  const [row] = await ownerQuery<{ n: number }>(
    server.databaseUrl,
    `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id JOIN tenants t ON t.id = r.tenant_id
     WHERE t.slug = 'demo' AND f.key = 'customer' AND r.deleted_at IS NULL AND ($1::text IS NULL OR r.data->>'sales_owner' = $1)`,
    [owner ?? null],
  );
  return row!.n;
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 2100 });
  adminToken = await login(server.baseUrl, 'admin@demo.local');
  staffToken = await login(server.baseUrl, 'staff@demo.local');
  viewerToken = await login(server.baseUrl, 'viewer@demo.local');
  admin = api(server.baseUrl, adminToken);
  adminId = (await admin.get('/api/auth/me')).body.id;
  staffId = (await api(server.baseUrl, staffToken).get('/api/auth/me')).body.id;
  for (const name of [TRICKY, FORMULA]) {
    const res = await admin.post('/api/forms/customer/records', {
      data: { name, customer_type: '个人', country: 'CN', contact_name: '多行\r\n联系人', sales_owner: adminId, credit_limit: '1234567.89', is_sme: true },
    });
    expect(res.status, res.text).toBe(201);
  }
  const perms = await admin.call('PUT', '/api/forms/customer/permissions', {
    body: { roles: { staff: { read: true, create: true, update: true, delete: false, rows: 'own' } }, fields: { credit_limit: { viewer: 'hidden' } }, ownerField: 'sales_owner' },
  });
  expect(perms.status, perms.text).toBe(200);
}, 300_000);
afterAll(() => server?.close());

describe('successful: CSV export', () => {
  it('streams every live record as UTF-8 with a BOM, CRLF rows and zh-CN labels as headers', async () => {
    const res = await exportCsv(adminToken);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="customer-\d{8}\.csv"$/);
    expect([...res.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.text.endsWith('\r\n')).toBe(true);
    // Outside quoted cells every line ends with CRLF.
    expect(/[^\r]\n/.test(res.text.replace(/"(?:[^"]|"")*"/g, ''))).toBe(false);
    const [header, ...rows] = res.rows;
    expect(header).toContain('客户名称');
    expect(header).toContain('信用额度');
    expect(rows.length).toBe(await liveCustomers());
    expect(rows.length).toBeGreaterThan(2000);
    expect(rows.every((r) => r.length === header!.length)).toBe(true);
  });

  it('quotes commas, quotes and line breaks, keeps money exact, and defuses formulas', async () => {
    const res = await exportCsv(adminToken, { headers: 'keys', filter: JSON.stringify({ credit_limit: { eq: '1234567.89' } }), fields: 'name,contact_name,credit_limit,is_sme,customer_type' });
    expect(res.status).toBe(200);
    expect(res.rows[0]).toEqual(['name', 'contact_name', 'credit_limit', 'is_sme', 'customer_type']);
    const byName = new Map(res.rows.slice(1).map((r) => [r[0], r]));
    expect(byName.get(TRICKY)).toEqual([TRICKY, '多行\r\n联系人', '1234567.89', 'true', '个人']);
    expect(byName.get(`'${FORMULA}`)).toBeDefined();
  });

  it('labels mode shows options and yes/no in the request language; keys mode stores values', async () => {
    const query = { filter: JSON.stringify({ name: { eq: TRICKY } }), fields: 'name,country,is_sme' };
    const en = await exportCsv(adminToken, query, { 'accept-language': 'en' });
    expect(en.rows).toEqual([['Customer name', 'Country/region', 'SME'], [TRICKY, 'Mainland China', 'Yes']]);
    const zh = await exportCsv(adminToken, query);
    expect(zh.rows).toEqual([['客户名称', '国家/地区', '是否中小企业'], [TRICKY, '中国大陆', '是']]);
    const keys = await exportCsv(adminToken, { ...query, headers: 'keys' });
    expect(keys.rows).toEqual([['name', 'country', 'is_sme'], [TRICKY, 'CN', 'true']]);
  });

  it('follows the list: same filter, same sort, same rows in the same order', async () => {
    const filter = JSON.stringify({ customer_type: { in: ['企业', '个体工商户'] } });
    const names: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await admin.get(`/api/forms/customer/records?${new URLSearchParams({ filter, sort: '-credit_limit', fields: 'name', limit: '200', ...(cursor ? { cursor } : {}) })}`);
      expect(page.status).toBe(200);
      names.push(...page.body.items.map((r: { data: { name: string } }) => r.data.name));
      if (!page.body.next) break;
      cursor = page.body.next;
    }
    const res = await exportCsv(adminToken, { filter, sort: '-credit_limit', fields: 'name', headers: 'keys' });
    expect(res.rows.slice(1).map((r) => r[0])).toEqual(names);
  });

  it('filter values with quotes, backslashes and LIKE characters select exactly what the list selects', async () => {
    const name = uniqueName("O'Brien \\ 100%_张$1");
    const made = await admin.post('/api/forms/customer/records', { data: { name, customer_type: '个人', country: 'CN', contact_name: '联系人', sales_owner: adminId } });
    expect(made.status, made.text).toBe(201);
    for (const filter of [{ name: { eq: name } }, { name: { contains: "O'Brien \\ 100%_" } }, { name: { startsWith: name.slice(0, 12) } }, { name: { in: [name, "x'y"] } }]) {
      const list = await admin.get(`/api/forms/customer/records?${new URLSearchParams({ filter: JSON.stringify(filter), fields: 'name', limit: '50' })}`);
      expect(list.status).toBe(200);
      const res = await exportCsv(adminToken, { filter: JSON.stringify(filter), fields: 'name', headers: 'keys' });
      expect(res.status, JSON.stringify(filter)).toBe(200);
      expect(res.rows.slice(1).map((r) => r[0]), JSON.stringify(filter)).toEqual(list.body.items.map((r: { data: { name: string } }) => r.data.name));
      expect(res.rows.slice(1).map((r) => r[0])).toContain(name);
    }
  });

  it('hidden fields are never exported, and own-rows-only users export their own rows', async () => {
    const asViewer = await exportCsv(viewerToken, { headers: 'keys' });
    expect(asViewer.status).toBe(200);
    expect(asViewer.rows[0]).not.toContain('credit_limit');
    expect(asViewer.text).not.toContain('1234567.89');
    const asked = await exportCsv(viewerToken, { fields: 'name,credit_limit' });
    expect(asked.status).toBe(400);
    const filtered = await exportCsv(viewerToken, { filter: JSON.stringify({ credit_limit: { gte: '0' } }) });
    expect(filtered.status).toBe(400);

    const asStaff = await exportCsv(staffToken, { headers: 'keys', fields: 'name,sales_owner' });
    expect(asStaff.status).toBe(200);
    const rows = asStaff.rows.slice(1);
    expect(rows.length).toBe(await liveCustomers(staffId));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r[1] === staffId)).toBe(true);
  });

  it('every export is audited with its fields, filter and row count', async () => {
    await exportCsv(adminToken, { headers: 'keys', fields: 'name', filter: JSON.stringify({ name: { eq: TRICKY } }) });
    const audit = await admin.get('/api/audit?action=record.export');
    expect(audit.body.items[0]).toMatchObject({ entity: 'form:customer', details: { format: 'csv', rows: 1, fields: ['name'], filter: { name: { eq: TRICKY } } } });
  });

  it('an API token with a read role can export', async () => {
    const made = await admin.post('/api/tokens', { name: 'BI', role: 'viewer', expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    const res = await fetch(`${server.baseUrl}/api/forms/customer/export.csv?fields=name&headers=keys`, { headers: { authorization: `Bearer ${made.body.token}` } });
    expect(res.status).toBe(200);
    expect((await res.text()).split('\r\n').length).toBeGreaterThan(2000);
  });
});

describe('successful: PostgreSQL formats the CSV exactly as the row formatter does', () => {
  // Stored values the validator would refuse too (straight into the table): data imported or kept
  // from older form versions still has to export exactly as the XLSX / row path writes it.
  const MIX: FormDefinition = {
    key: 'export_mix',
    title: { 'zh-CN': '导出格式', en: 'Export formats' },
    fields: [
      { key: 't', type: 'text', label: { 'zh-CN': '文本', en: 'Text' } },
      { key: 's', type: 'select', label: { 'zh-CN': '单选', en: 'Select' }, options: [{ value: 'a', label: { 'zh-CN': '甲', en: 'A' } }, { value: 'f', label: { 'zh-CN': '=公式', en: '=formula' } }, { value: 'q"\\', label: { 'zh-CN': '引"号\\', en: 'Quote"\\' } }, { value: 'n' }] },
      { key: 'm', type: 'multiselect', label: { 'zh-CN': '多选', en: 'Multi' }, options: [{ value: 'x', label: { 'zh-CN': '叉', en: 'X' } }, { value: 'y', label: { 'zh-CN': '-负', en: '-minus' } }, { value: 'z' }] },
      { key: 'b', type: 'boolean', label: { 'zh-CN': '是否', en: 'Flag' } },
      { key: 'amount', type: 'money', label: { 'zh-CN': '金额', en: 'Amount' } },
      { key: 'day', type: 'date', label: { 'zh-CN': '日期', en: 'Day' } },
    ] as FieldDefinition[],
  };
  const DATA: Array<Record<string, unknown>> = [
    { t: '普通', s: 'a', m: ['x', 'z'], b: true, amount: '1234567.89', day: '2026-01-31' },
    { t: '=SUM(A1)', s: 'f', m: ['y'], b: false, amount: '-0.01', day: '2026-02-28' },
    { t: '+86 10', s: 'q"\\', m: [], amount: '0' },
    { t: '-5', s: 'gone', m: ['x', 'gone', 'y'], b: 'maybe' },
    { t: '@who', s: '=bad', m: ['=x'] },
    { t: '\tTab', s: 'n', m: 'not-an-array' },
    { t: '\r\nCRLF start', m: ['z', null] },
    { t: '' },
    { t: '引号"逗号,换行\n反斜杠\\ $1 \\N' },
    { t: '\\.' },
    { t: null, s: null, m: null, b: null },
    {},
  ];

  beforeAll(async () => {
    const designer = api(server.baseUrl, await login(server.baseUrl, 'designer@demo.local'));
    expect((await designer.post('/api/forms', { definition: MIX })).status).toBe(201);
    expect((await designer.post('/api/forms/export_mix/publish', {})).status).toBe(200);
    await ownerQuery(
      server.databaseUrl,
      `INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by)
       SELECT f.tenant_id, uuidv7(), f.id, v.id, d.data, $2::uuid, $2::uuid
       FROM forms f JOIN form_versions v ON v.id = f.current_version_id, unnest($1::jsonb[]) WITH ORDINALITY AS d(data, n)
       WHERE f.key = 'export_mix' ORDER BY d.n`,
      [DATA.map((d) => JSON.stringify(d)), adminId],
    );
  });

  it.each([
    ['keys', 'zh-CN'],
    ['labels', 'zh-CN'],
    ['labels', 'en'],
  ] as Array<[HeaderMode, 'zh-CN' | 'en']>)('%s headers, %s: every cell as exportColumns().cell gives it', async (mode, locale) => {
    const stored = await ownerQuery<{ cells: Array<string | null> }>(
      server.databaseUrl,
      `SELECT ARRAY[${MIX.fields.map((f) => `r.data->>'${f.key}'`).join(', ')}] AS cells FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'export_mix' ORDER BY r.id DESC`,
    );
    const columns = exportColumns(MIX.fields, mode, locale);
    const expected = [columns.map((c) => c.header), ...stored.map((r) => columns.map((c, i) => c.cell(r.cells[i] ?? null)))];
    const res = await exportCsv(adminToken, { headers: mode }, { 'accept-language': locale }, 'export_mix');
    expect(res.status).toBe(200);
    expect(res.rows).toEqual(expected);
    // Spot checks of what the comparison covers.
    const flat = res.rows.flat();
    expect(flat).toContain("'=SUM(A1)");
    expect(flat).toContain("'\tTab");
    expect(flat).toContain(mode === 'keys' ? 'x;z' : locale === 'en' ? 'X;z' : '叉;z');
    if (mode === 'labels') expect(flat).toContain(locale === 'en' ? "'=formula" : "'=公式");
    // Row ends are CRLF; the line breaks inside cells are kept as stored.
    expect(res.text).toContain('"引号""逗号,换行\n反斜杠\\ $1 \\N",,,,,\r\n');
    expect(res.text.endsWith('\r\n')).toBe(true);
  });

  it('the XLSX export (formatted row by row) shows the same text in every cell', async () => {
    const csv = await exportCsv(adminToken, { headers: 'labels' }, { 'accept-language': 'en' }, 'export_mix');
    const res = await fetch(`${server.baseUrl}/api/forms/export_mix/export.xlsx?headers=labels`, { headers: { authorization: `Bearer ${adminToken}`, 'accept-language': 'en' } });
    const sheet = unzip(Buffer.from(await res.arrayBuffer())).get('xl/worksheets/sheet1.xml')!;
    const texts = [...sheet.matchAll(/<t xml:space="preserve">([^<]*)<\/t>|<v>([^<]*)<\/v>/g)].map((m) => (m[1] ?? m[2]!).replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    // XLSX cells are never formulas, so they carry no defusing apostrophe; XML 1.0 drops control characters.
    // eslint-disable-next-line no-control-regex
    const csvTexts = csv.rows.flat().filter((t) => t !== '').map((t) => (/^'[=+\-@\t\r]/.test(t) ? t.slice(1) : t).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, ''));
    expect(texts).toEqual(csvTexts);
  });
});

/** Reads a ZIP by its central directory, checking every entry's CRC (as Excel would refuse a bad one). */
function unzip(zip: Buffer): Map<string, string> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const offset = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = offset + 30 + zip.readUInt16LE(offset + 26) + zip.readUInt16LE(offset + 28);
    const data = inflateRawSync(zip.subarray(local, local + compressed));
    expect(data.length).toBe(size);
    expect(crc32(data)).toBe(crc);
    files.set(name, data.toString('utf8'));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return files;
}

describe('successful: XLSX export', () => {
  it('streams a valid workbook: header row, numbers as numbers, text as inline strings, every row', async () => {
    const res = await fetch(`${server.baseUrl}/api/forms/customer/export.xlsx?headers=labels`, { headers: { authorization: `Bearer ${adminToken}`, 'accept-language': 'en' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/filename="customer-\d{8}\.xlsx"/);
    const files = unzip(Buffer.from(await res.arrayBuffer()));
    expect([...files.keys()]).toEqual(['[Content_Types].xml', '_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/worksheets/sheet1.xml']);
    const sheet = files.get('xl/worksheets/sheet1.xml')!;
    expect(sheet).toContain('<t xml:space="preserve">Customer name</t>');
    expect((sheet.match(/<row /g) ?? []).length).toBe((await liveCustomers()) + 1);
    expect(sheet).toMatch(/<c r="[A-Z]+\d+"><v>1234567\.89<\/v><\/c>/);
    expect(sheet).toContain(`<t xml:space="preserve">${TRICKY.replace(/"/g, '&quot;')}</t>`);
    // In a workbook a text cell is never a formula: no defusing apostrophe.
    expect(sheet).toContain(`<t xml:space="preserve">${FORMULA.replace(/"/g, '&quot;')}</t>`);
    expect(sheet).not.toContain('<f>');
  });

  it('a bad query is a problem+json 400 before any byte of the workbook', async () => {
    const res = await fetch(`${server.baseUrl}/api/forms/customer/export.xlsx?sort=nope`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('failing: CSV export', () => {
  it.each([
    ['malformed filter JSON', { filter: '{nope' }, 400],
    ['an unknown filter field', { filter: JSON.stringify({ nope: { eq: 1 } }) }, 400],
    ['a wrong filter value type', { filter: JSON.stringify({ credit_limit: { gte: 'lots' } }) }, 400],
    ['an unknown sort field', { sort: 'nope' }, 400],
    ['an unknown column', { fields: 'name,nope' }, 400],
    ['a bad headers mode', { headers: 'both' }, 400],
    ['an unknown parameter', { limit: '5' }, 400],
  ])('%s is a problem+json %i, never a half file', async (_label, query, status) => {
    const res = await exportCsv(adminToken, query as Record<string, string>);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.parse(res.text).status).toBe(status);
  });

  it('an unknown form is 404 and no token is 401', async () => {
    const res = await fetch(`${server.baseUrl}/api/forms/nope/export.csv`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(404);
    expect((await fetch(`${server.baseUrl}/api/forms/customer/export.csv`)).status).toBe(401);
  });

  it('a client that leaves mid-stream does not break the server', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.baseUrl}/api/forms/customer/export.csv`, { headers: { authorization: `Bearer ${adminToken}` }, signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    expect((await admin.get('/api/forms/customer/records?limit=1')).status).toBe(200);
  });
});
