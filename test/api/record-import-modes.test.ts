import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/** Import modes: upsert and update by a key field, with revisions, duplicate keys and unknown keys per row. */
let server: TestServer;
let adminToken: string;
let admin: ReturnType<typeof api>;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  adminToken = await login(server.baseUrl, 'admin@demo.local');
  admin = api(server.baseUrl, adminToken);
});
afterAll(() => server?.close());

async function upload(body: string, query: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${server.baseUrl}/api/forms/customer/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
}

async function byUscc(uscc: string) {
  return ownerQuery<{ id: string; rev: number; data: Record<string, unknown> }>(server.databaseUrl, `SELECT id, rev, data FROM records WHERE data->>'uscc' = $1 AND deleted_at IS NULL`, [uscc]);
}

const HEADER = ['name', 'customer_type', 'country', 'contact_name', 'sales_owner', 'credit_limit', 'uscc'];

describe('successful: upsert and update', () => {
  it('upsert by uscc updates the matching record (rev + 1, an update revision) and inserts the new one', async () => {
    const [a, b] = [uniqueUscc(), uniqueUscc()];
    const nameA = uniqueName('合并');
    const first = await upload(csv([HEADER, [nameA, '企业', 'CN', '张三', 'admin@demo.local', '1000', a]]), 'dryRun=false');
    expect(first.status, first.text).toBe(201);
    const [before] = await byUscc(a);
    expect(before!.rev).toBe(1);

    const file = csv([HEADER, [nameA, '企业', 'CN', '李四', 'admin@demo.local', '¥2,500.50', a], [uniqueName('合并'), '企业', 'CN', '王五', 'admin@demo.local', '10', b]]);
    const dry = await upload(file, 'mode=upsert&key=uscc&dryRun=true');
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body).toMatchObject({ mode: 'upsert', key: 'uscc', rows: { total: 2, valid: 2, invalid: 0 } });
    expect((await byUscc(a))[0]!.rev).toBe(1);

    const res = await upload(file, 'mode=upsert&key=uscc&dryRun=false');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    const [after] = await byUscc(a);
    expect(after!.id).toBe(before!.id);
    expect(after!.rev).toBe(2);
    expect(after!.data).toMatchObject({ contact_name: '李四', credit_limit: '2500.50', customer_code: before!.data.customer_code });
    expect(await byUscc(b)).toHaveLength(1);

    const revisions = await admin.get(`/api/forms/customer/records/${after!.id}/revisions`);
    expect(revisions.status).toBe(200);
    const items = (revisions.body.items ?? revisions.body) as Array<{ rev: number; action: string; changes: Record<string, unknown> }>;
    expect(items[0]).toMatchObject({ rev: 2, action: 'update' });
    expect(Object.keys(items[0]!.changes).sort()).toEqual(['contact_name', 'credit_limit']);

    // The same file again changes nothing: no write, no revision.
    const again = await upload(file, 'mode=upsert&key=uscc&dryRun=false');
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect((await byUscc(a))[0]!.rev).toBe(2);
  });

  it('update by the auto-numbered customer code changes only the columns in the file', async () => {
    const uscc = uniqueUscc();
    await upload(csv([HEADER, [uniqueName('更新'), '企业', 'CN', '张三', 'admin@demo.local', '1000', uscc]]), 'dryRun=false');
    const [record] = await byUscc(uscc);
    const code = record!.data.customer_code as string;
    const res = await upload(csv([['客户编号', '联系人'], [code, '赵六']]), 'mode=update&key=customer_code&dryRun=false');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ created: 0, updated: 1 });
    const [after] = await byUscc(uscc);
    expect(after!.data).toMatchObject({ contact_name: '赵六', credit_limit: '1000', customer_code: code, name: record!.data.name });
    expect(after!.rev).toBe(2);
  });
});

describe('failing: keys', () => {
  it('update: a key no record has is a row error naming the value; nothing is written', async () => {
    const uscc = uniqueUscc();
    await upload(csv([HEADER, [uniqueName('更新'), '企业', 'CN', '张三', 'admin@demo.local', '1000', uscc]]), 'dryRun=false');
    const missing = uniqueUscc();
    const file = csv([['uscc', 'contact_name'], [uscc, '钱七'], [missing, '孙八'], ['', '周九']]);
    const dry = await upload(file, 'mode=update&key=uscc&dryRun=true', { 'accept-language': 'en' });
    expect(dry.status, dry.text).toBe(200);
    expect(dry.body.rows).toMatchObject({ total: 3, valid: 1, invalid: 2 });
    expect(dry.body.errors).toEqual([
      expect.objectContaining({ row: 3, column: 1, field: 'uscc', message: expect.stringContaining(missing) }),
      expect.objectContaining({ row: 4, column: 1, field: 'uscc', message: expect.stringContaining('empty') }),
    ]);
    const commit = await upload(file, 'mode=update&key=uscc&dryRun=false');
    expect(commit.status).toBe(400);
    expect(commit.body.code).toBe('imports.invalid_rows');
    expect((await byUscc(uscc))[0]!.rev).toBe(1);
    // Skipping bad rows writes the good one.
    const skip = await upload(file, 'mode=update&key=uscc&dryRun=false&skipInvalid=true');
    expect(skip.body).toMatchObject({ updated: 1, skipped: 2 });
    expect((await byUscc(uscc))[0]!.data.contact_name).toBe('钱七');
  });

  it('a key repeated within the file names both rows', async () => {
    const uscc = uniqueUscc();
    const file = csv([HEADER, [uniqueName('重复'), '企业', 'CN', '张三', 'admin@demo.local', '1', uscc], [uniqueName('重复'), '企业', 'CN', '李四', 'admin@demo.local', '2', uscc]]);
    const res = await upload(file, 'mode=upsert&key=uscc&dryRun=true', { 'accept-language': 'zh-CN' });
    expect(res.body.rows).toMatchObject({ total: 2, invalid: 1 });
    expect(res.body.errors).toEqual([expect.objectContaining({ row: 3, field: 'uscc', message: expect.stringMatching(/第 2 行/) })]);
  });

  it('the key must be a unique, indexed or auto-number field present in the file', async () => {
    const file = csv([HEADER, [uniqueName('键'), '企业', 'CN', '张三', 'admin@demo.local', '1', uniqueUscc()]]);
    const notUnique = await upload(file, 'mode=upsert&key=contact_name');
    expect([notUnique.status, notUnique.body.code]).toEqual([400, 'imports.key_not_unique']);
    const unknown = await upload(file, 'mode=upsert&key=nope');
    expect([unknown.status, unknown.body.code]).toEqual([400, 'imports.key_unknown']);
    const noColumn = await upload(file, 'mode=update&key=customer_code');
    expect([noColumn.status, noColumn.body.code]).toEqual([400, 'imports.bad_file']);
    expect(noColumn.body.errors[0].params).toMatchObject({ field: 'customer_code' });
  });

  it('a viewer may not upsert', async () => {
    const token = await login(server.baseUrl, 'viewer@demo.local');
    const res = await fetch(`${server.baseUrl}/api/forms/customer/imports?mode=upsert&key=uscc`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: csv([HEADER, ['x', '企业', 'CN', '张三', 'admin@demo.local', '1', uniqueUscc()]]),
    });
    expect(res.status).toBe(403);
  });
});
