// The create fast path (PERFORMANCE.md T6): the auto-number is taken by the insert statement and
// the insert carries its COMMIT in the same round trip. These tests pin what that must not change:
// every create is whole (record, 'create' revision, audit entry, rule result) and numbered without
// gaps or repeats under concurrency; a create that fails inside the pipelined statement writes
// nothing and leaves its pooled connection usable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;

function customer(extra: Record<string, unknown> = {}) {
  return { name: uniqueName('快速路径'), customer_type: '企业', country: 'CN', uscc: uniqueUscc(), contact_name: '张三', sales_owner: adminId, credit_limit: '50000.00', ...extra };
}

function codeNumber(code: unknown): number {
  const match = /^C\d{4}(\d{5,})$/.exec(String(code));
  expect(match, `customer_code ${String(code)}`).not.toBeNull();
  return Number(match![1]);
}

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 3 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

describe('record create fast path', () => {
  it('30 concurrent creates: distinct consecutive codes, each with its revision, audit entry and rule result', async () => {
    const responses = await Promise.all(Array.from({ length: 30 }, () => admin.post('/api/forms/customer/records', { data: customer() })));
    for (const res of responses) expect(res.status).toBe(201);
    const numbers = responses.map((res) => codeNumber(res.body.data.customer_code)).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(30);
    expect(numbers[29]! - numbers[0]!).toBe(29);
    for (const res of responses) expect(res.body.labels.sales_owner).toEqual(expect.any(String));

    const ids = responses.map((res) => res.body.id as string);
    const stored = await ownerQuery<{ id: string; code: string; revs: number; rev_code: string; audits: number; rules: number }>(
      server.databaseUrl,
      `SELECT r.id, r.data->>'customer_code' AS code,
              (SELECT count(*)::int FROM record_revisions rv WHERE rv.record_id = r.id) AS revs,
              (SELECT rv.changes->'customer_code'->>'to' FROM record_revisions rv WHERE rv.record_id = r.id AND rv.rev = 1 AND rv.action = 'create') AS rev_code,
              (SELECT count(*)::int FROM audit_log a WHERE a.entity_id = r.id::text AND a.action = 'record.create') AS audits,
              (SELECT count(*)::int FROM record_rule_results rr WHERE rr.record_id = r.id) AS rules
       FROM records r WHERE r.id = ANY($1::uuid[])`,
      [ids],
    );
    expect(stored).toHaveLength(30);
    const byId = new Map(responses.map((res) => [res.body.id as string, res.body.data.customer_code as string]));
    for (const row of stored) {
      expect(row).toMatchObject({ code: byId.get(row.id), revs: 1, rev_code: byId.get(row.id), audits: 1, rules: 1 });
    }
  });

  it('creates failing inside the pipelined insert (duplicates) write nothing and leave every pooled connection usable', async () => {
    const first = await admin.post('/api/forms/customer/records', { data: customer() });
    expect(first.status).toBe(201);
    const countAll = async () =>
      (await ownerQuery<{ records: number; revisions: number; audits: number }>(
        server.databaseUrl,
        `SELECT (SELECT count(*)::int FROM records) AS records, (SELECT count(*)::int FROM record_revisions) AS revisions,
                (SELECT count(*)::int FROM audit_log WHERE action = 'record.create') AS audits`,
      ))[0]!;
    const before = await countAll();
    // More at once than the pool has connections, so every connection sees a failed pipeline.
    const duplicates = await Promise.all(
      Array.from({ length: 30 }, () => admin.post('/api/forms/customer/records', { data: customer({ uscc: first.body.data.uscc }) })),
    );
    for (const res of duplicates) expect(res.status).toBe(409);
    expect(duplicates[0]!.body).toMatchObject({ code: 'records.duplicate', errors: [{ path: '/uscc', keyword: 'unique' }] });
    expect(await countAll()).toEqual(before);

    const after = await Promise.all(Array.from({ length: 30 }, () => admin.post('/api/forms/customer/records', { data: customer() })));
    for (const res of after) expect(res.status).toBe(201);
    const counts = await countAll();
    expect(counts).toEqual({ records: before.records + 30, revisions: before.revisions + 30, audits: before.audits + 30 });
    // The failed creates burned counter values (a sequence does not roll back), never a repeat.
    const numbers = after.map((res) => codeNumber(res.body.data.customer_code));
    expect(Math.min(...numbers)).toBeGreaterThan(codeNumber(first.body.data.customer_code));
    expect(new Set(numbers).size).toBe(30);
  });
});
