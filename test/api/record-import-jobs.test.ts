import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readXlsx } from '../../apps/api/src/modules/imports/xlsx-read.js';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/** Background imports (POST /forms/:key/imports/jobs, GET /imports/:id, cancel, errors.xlsx) and saved column mappings. */
let server: TestServer;
let adminToken: string;
let admin: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  adminToken = await login(server.baseUrl, 'admin@demo.local');
  admin = api(server.baseUrl, adminToken);
});
afterAll(() => server?.close());

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
}

async function queue(body: string | Buffer, query: string, headers: Record<string, string> = {}, token = adminToken) {
  const res = await fetch(`${server.baseUrl}/api/forms/customer/imports/jobs?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

async function settle(id: string, headers: Record<string, string> = {}) {
  for (let i = 0; i < 600; i++) {
    const res = await admin.get(`/api/imports/${id}`, headers);
    expect(res.status, res.text).toBe(200);
    if (!['queued', 'running'].includes(res.body.status)) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('job did not finish');
}

async function customerCount(): Promise<number> {
  const [row] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM records r JOIN forms f ON f.id = r.form_id WHERE f.key = 'customer' AND r.deleted_at IS NULL`);
  return row!.n;
}

const HEADER = ['客户名称', '客户类型', '国家/地区', '联系人', '销售负责人', '信用额度', '统一社会信用代码'];
function rows(n: number, bad: Set<number> = new Set()): string[][] {
  const out = [HEADER];
  for (let i = 0; i < n; i++) out.push([uniqueName('任务'), '企业', 'CN', `张三${i}`, 'admin@demo.local', bad.has(i) ? '很多' : String(i * 10), uniqueUscc()]);
  return out;
}

describe('successful: background imports', () => {
  it('a job runs to the end with progress, rows/s and counts', async () => {
    const before = await customerCount();
    const created = await queue(csv(rows(120)), 'dryRun=false', { 'x-file-name': encodeURIComponent('客户.csv') });
    expect(created.status, created.text).toBe(202);
    expect(created.body).toMatchObject({ form: 'customer', mode: 'insert', dryRun: false, fileName: '客户.csv' });
    expect(['queued', 'running', 'succeeded']).toContain(created.body.status);
    const job = await settle(created.body.id);
    expect(job).toMatchObject({ status: 'succeeded', rows: { processed: 120, total: 120, valid: 120, invalid: 0 }, counts: { inserted: 120, updated: 0, failed: 0 }, etaSeconds: 0, errors: [] });
    expect(job.rowsPerSecond).toBeGreaterThan(0);
    expect(job.report).toMatchObject({ created: 120 });
    expect(await customerCount()).toBe(before + 120);
    const list = await admin.get('/api/forms/customer/imports/jobs');
    expect(list.body[0]).toMatchObject({ id: created.body.id, status: 'succeeded' });
  });

  it('atomic: 3 bad rows among 300 fail the job, write nothing, and the errors workbook explains them (zh-CN or en)', async () => {
    const before = await customerCount();
    const created = await queue(csv(rows(300, new Set([5, 150, 299]))), 'dryRun=false');
    const job = await settle(created.body.id, { 'accept-language': 'en' });
    expect(job).toMatchObject({ status: 'failed', rows: { processed: 300, invalid: 3 }, counts: { inserted: 0, failed: 3 }, problem: { code: 'imports.invalid_rows' } });
    expect(job.errors.map((e: { row: number }) => e.row)).toEqual([7, 152, 301]);
    expect(job.errors[0]).toMatchObject({ column: 6, field: 'credit_limit', message: expect.stringContaining('not a valid number') });
    expect(await customerCount()).toBe(before);

    for (const [language, text] of [['en', 'not a valid number'], ['zh-CN', '不是有效数字']] as const) {
      const res = await fetch(`${server.baseUrl}/api/imports/${created.body.id}/errors.xlsx`, { headers: { authorization: `Bearer ${adminToken}`, 'accept-language': language } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('spreadsheetml');
      const sheet = [...readXlsx(Buffer.from(await res.arrayBuffer()))].map((r) => r.cells);
      expect(sheet).toHaveLength(4);
      expect(sheet[0]).toEqual([language === 'en' ? 'Row' : '行号', ...HEADER, language === 'en' ? 'Errors' : '错误说明']);
      expect(sheet[1]!.slice(0, 7)).toEqual(['7', expect.stringMatching(/^任务/), '企业', 'CN', '张三5', 'admin@demo.local', '很多']);
      expect(sheet[1]![8]).toContain(text);
      expect(sheet.slice(1).map((r) => r[0])).toEqual(['7', '152', '301']);
    }

    // The same file with skipInvalid writes the other 297.
    const skipped = await settle((await queue(csv(rows(300, new Set([5, 150, 299]))), 'dryRun=false&skipInvalid=true')).body.id);
    expect(skipped).toMatchObject({ status: 'succeeded', counts: { inserted: 297, skipped: 3, failed: 3 } });
    expect(await customerCount()).toBe(before + 297);
  });

  it('a row whose name a record already holds (found by the write itself) is in the job\'s errors and its errors.xlsx, with skip-bad-rows too', async () => {
    const first = rows(1);
    expect((await settle((await queue(csv(first), 'dryRun=false')).body.id)).status).toBe('succeeded');
    const existing = { name: first[1]![0]! };
    const before = await customerCount();
    const file = rows(40);
    file[40]![0] = existing.name; // row 41, in the last chunk: found after that chunk's progress was reported
    const job = await settle((await queue(csv(file), 'dryRun=false&skipInvalid=true')).body.id);
    expect(job).toMatchObject({ status: 'succeeded', counts: { inserted: 39, skipped: 1, failed: 1 } });
    expect(job.errors).toEqual([expect.objectContaining({ row: 41, field: 'name' })]);
    expect(await customerCount()).toBe(before + 39);
    const res = await fetch(`${server.baseUrl}/api/imports/${job.id}/errors.xlsx`, { headers: { authorization: `Bearer ${adminToken}`, 'accept-language': 'zh-CN' } });
    expect(res.status).toBe(200);
    const sheet = [...readXlsx(Buffer.from(await res.arrayBuffer()))].map((r) => r.cells);
    expect(sheet.slice(1).map((r) => r.slice(0, 2))).toEqual([['41', existing.name]]);
  });

  it('a running import is cancelled after its current chunk and leaves 0 rows', async () => {
    const before = await customerCount();
    const created = await queue(csv(rows(30_000)), 'dryRun=false');
    let state = created.body;
    for (let i = 0; i < 600 && !(state.status === 'running' && state.rows.processed > 0); i++) {
      await new Promise((r) => setTimeout(r, 50));
      state = (await admin.get(`/api/imports/${created.body.id}`)).body;
    }
    expect(state.status).toBe('running');
    expect(state.rows.total).toBe(30_000);
    expect(state.rows.processed).toBeLessThan(30_000);
    const cancel = await admin.post(`/api/imports/${created.body.id}/cancel`);
    expect(cancel.status).toBe(202);
    expect(cancel.body.cancelRequested).toBe(true);
    const job = await settle(created.body.id);
    expect(job).toMatchObject({ status: 'cancelled', counts: { inserted: 0 }, problem: { code: 'imports.cancelled' } });
    expect(await customerCount()).toBe(before);
    const again = await admin.post(`/api/imports/${created.body.id}/cancel`);
    expect([again.status, again.body.code]).toEqual([409, 'imports.job_finished']);
  }, 60_000);

  it('upsert as a job updates by key', async () => {
    const uscc = uniqueUscc();
    const name = uniqueName('任务');
    await settle((await queue(csv([HEADER, [name, '企业', 'CN', '甲', 'admin@demo.local', '1', uscc]]), 'dryRun=false')).body.id);
    const job = await settle((await queue(csv([HEADER, [name, '企业', 'CN', '乙', 'admin@demo.local', '1', uscc]]), 'dryRun=false&mode=upsert&key=uscc')).body.id);
    expect(job).toMatchObject({ status: 'succeeded', mode: 'upsert', key: 'uscc', counts: { inserted: 0, updated: 1 } });
    const [row] = await ownerQuery<{ rev: number; contact: string }>(server.databaseUrl, `SELECT rev, data->>'contact_name' AS contact FROM records WHERE data->>'uscc' = $1`, [uscc]);
    expect(row).toEqual({ rev: 2, contact: '乙' });
  });
});

describe('successful: large uploads', () => {
  it('POST /api/imports streams the body to disk and runs the job; over IMPORT_MAX_MB is 413', async () => {
    const before = await customerCount();
    const res = await fetch(`${server.baseUrl}/api/imports?form=customer&dryRun=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      body: csv(rows(50)),
    });
    const created = await res.json();
    expect(res.status, JSON.stringify(created)).toBe(202);
    expect(await settle(created.id)).toMatchObject({ status: 'succeeded', counts: { inserted: 50 } });
    expect(await customerCount()).toBe(before + 50);
    const unknown = await fetch(`${server.baseUrl}/api/imports?form=nope&dryRun=false`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' }, body: csv(rows(1)) });
    expect(unknown.status).toBe(404);
    process.env.IMPORT_MAX_MB = '1';
    try {
      const big = await fetch(`${server.baseUrl}/api/imports?form=customer&dryRun=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
        body: Buffer.alloc(2 * 1048576, 0x61),
      });
      expect(big.status).toBe(413);
    } finally {
      delete process.env.IMPORT_MAX_MB;
    }
  });
});

describe('successful: column mappings', () => {
  it('a dry run suggests fields for headers by label, key and synonym (full width, case, spaces)', async () => {
    const file = csv([['公司名称', ' ＥＭＡＩＬ ', 'Contact', '账期', '注册资本金', 'zzz'], ['x', 'a@b.cn', '张三', '30', '100', '']]);
    const res = await fetch(`${server.baseUrl}/api/forms/customer/imports?dryRun=true`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' }, body: file });
    const body = await res.json();
    // 'zzz' matches nothing: a header problem, which still carries the suggestions.
    expect(res.status).toBe(400);
    expect(body.suggestedMapping.map((c: { field: string | null }) => c.field)).toEqual(['name', 'email', 'contact_name', 'payment_term_days', 'registered_capital', null]);
    expect(body.suggestedMapping.map((c: { by?: string }) => c.by)).toEqual(['synonym', 'key', 'label', 'label', 'similar', undefined]);
  });

  it('a saved mapping is listed and reads the file by it; unknown fields are refused', async () => {
    const bad = await admin.post('/api/forms/customer/import-mappings', { name: '坏的', columns: [{ header: 'X', field: 'nope' }] });
    expect([bad.status, bad.body.code]).toEqual([400, 'http.validation_failed']);
    const invalid = await admin.post('/api/forms/customer/import-mappings', { name: '', columns: [] });
    expect(invalid.status).toBe(400);
    const saved = await admin.post('/api/forms/customer/import-mappings', {
      name: 'ERP 导出',
      columns: [
        { header: 'KH', field: 'name' },
        { header: 'LX', field: 'customer_type' },
        { header: 'GJ', field: 'country' },
        { header: 'LXR', field: 'contact_name' },
        { header: 'XS', field: 'sales_owner' },
        { header: 'SH', field: 'uscc' },
        { header: '备注', field: null },
      ],
      mode: 'upsert',
      key: 'uscc',
    });
    expect(saved.status, saved.text).toBe(201);
    const list = await admin.get('/api/forms/customer/import-mappings');
    expect(list.body).toEqual([expect.objectContaining({ id: saved.body.id, name: 'ERP 导出', mode: 'upsert', key: 'uscc' })]);
    const uscc = uniqueUscc();
    const file = csv([['KH', 'LX', 'GJ', 'LXR', 'XS', 'SH', '备注'], [uniqueName('映射'), '企业', 'CN', '张三', 'admin@demo.local', uscc, '随便写']]);
    const res = await fetch(`${server.baseUrl}/api/forms/customer/imports?dryRun=false&mappingId=${saved.body.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      body: file,
    });
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.columns.map((c: { field: string | null }) => c.field)).toEqual(['name', 'customer_type', 'country', 'contact_name', 'sales_owner', 'uscc', null]);
    expect(body.created).toBe(1);
  });

  it('a run may carry its mapping in x-import-mapping without saving it; a malformed one is a 400', async () => {
    const before = (await admin.get('/api/forms/customer/import-mappings')).body.length;
    const mapping = { KH: 'name', LX: 'customer_type', GJ: 'country', LXR: 'contact_name', XS: 'sales_owner', 备注: null };
    const file = csv([['KH', 'LX', 'GJ', 'LXR', 'XS', '备注'], [uniqueName('内联'), '个人', 'CN', '张三', 'admin@demo.local', 'x']]);
    const send = (header: string) =>
      fetch(`${server.baseUrl}/api/forms/customer/imports?dryRun=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv', 'x-import-mapping': header },
        body: file,
      });
    const res = await send(encodeURIComponent(JSON.stringify(mapping)));
    const body = await res.json();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.columns.map((c: { field: string | null }) => c.field)).toEqual(['name', 'customer_type', 'country', 'contact_name', 'sales_owner', null]);
    expect(body.rows).toMatchObject({ valid: 1, invalid: 0 });
    // As a job too.
    const job = await fetch(`${server.baseUrl}/api/forms/customer/imports/jobs?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv', 'x-import-mapping': encodeURIComponent(JSON.stringify(mapping)) },
      body: file,
    });
    expect(job.status).toBe(202);
    expect((await admin.get('/api/forms/customer/import-mappings')).body.length).toBe(before);
    for (const bad of ['not json', encodeURIComponent('["name"]'), encodeURIComponent('{"KH": "Name!"}')]) {
      const refused = await send(bad);
      const problem = await refused.json();
      expect([refused.status, problem.code], bad).toEqual([400, 'http.validation_failed']);
    }
  });
});

describe('failing: background imports', () => {
  it('a file that is not a spreadsheet is refused before queueing; unknown jobs are 404; others may not see a job', async () => {
    const binary = await queue(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]), 'dryRun=false');
    expect([binary.status, binary.body.code]).toEqual([400, 'imports.bad_file']);
    const empty = await queue('', 'dryRun=false');
    expect([empty.status, empty.body.code]).toEqual([400, 'imports.bad_file']);
    expect((await admin.get('/api/imports/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await admin.get('/api/imports/not-a-uuid')).status).toBe(404);
    const created = await queue(csv(rows(2)), 'dryRun=true');
    const staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    expect((await staff.get(`/api/imports/${created.body.id}`)).status).toBe(404);
    const viewer = await queue(csv(rows(2)), 'dryRun=false', {}, await login(server.baseUrl, 'viewer@demo.local'));
    expect(viewer.status).toBe(403);
    await settle(created.body.id);
  });

  it('a header problem fails the job with the problem and its errors', async () => {
    const job = await settle((await queue(csv([['客户名称', '不知道'], ['x', 'y']]), 'dryRun=true')).body.id);
    expect(job).toMatchObject({ status: 'failed', problem: { code: 'imports.bad_file' } });
    expect(job.errors[0]).toMatchObject({ row: 1, column: 2, header: '不知道' });
  });
});

describe('successful: preview', () => {
  it('POST /forms/:key/imports/preview reads the header only and suggests a field per column', async () => {
    const res = await fetch(`${server.baseUrl}/api/forms/customer/imports/preview`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
      body: csv([['公司名称', '手机号码', '???'], ['x', '1', '2']]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      encoding: 'utf-8',
      columns: [
        { column: 1, header: '公司名称', field: 'name', by: 'synonym' },
        { column: 2, header: '手机号码', field: 'mobile', by: 'synonym' },
        { column: 3, header: '???', field: null },
      ],
    });
  });
});

describe('successful: OpenAPI', () => {
  it('documents the import routes with their schemas', async () => {
    const json = await admin.get('/api/docs-json');
    expect(Object.keys(json.body.paths)).toEqual(
      expect.arrayContaining(['/api/forms/{key}/imports', '/api/forms/{key}/imports/jobs', '/api/forms/{key}/imports/preview', '/api/imports', '/api/imports/{id}', '/api/imports/{id}/cancel', '/api/imports/{id}/errors.xlsx', '/api/forms/{key}/import-mappings']),
    );
    expect(json.body.paths['/api/imports/{id}'].get.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ImportJob' });
    expect(json.body.components.schemas.ImportJob.properties.status.enum).toEqual(['queued', 'running', 'succeeded', 'failed', 'cancelled']);
  });
});
