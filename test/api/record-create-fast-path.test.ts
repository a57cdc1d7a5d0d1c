// The create fast path (PERFORMANCE.md T6): the auto-number is taken by the insert statement,
// concurrent creates of a form share one statement (WriteCoalescer) and
// the insert carries its COMMIT in the same round trip. These tests pin what that must not change:
// every create is whole (record, 'create' revision, audit entry, rule result) and numbered without
// gaps or repeats under concurrency; a create that fails inside the pipelined statement writes
// nothing and leaves its pooled connection usable.
import { loadTemplate } from '@credo/seeds';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { UserDirectory } from '../../apps/api/src/modules/records/user-directory.js';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
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
    // A first create caches the form's write facts (the one-trip path); then audit_log is held so
    // the first statements wait and the creates arriving meanwhile queue: they must share statements
    // (on a fast machine 30 parallel requests may otherwise each finish before the next arrives).
    expect((await admin.post('/api/forms/customer/records', { data: customer() })).status).toBe(201);
    const holder = new pg.Client({ connectionString: server.databaseUrl });
    await holder.connect();
    let responses: Awaited<ReturnType<typeof admin.post>>[];
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE audit_log IN EXCLUSIVE MODE');
      const pending = Promise.all(Array.from({ length: 30 }, () => admin.post('/api/forms/customer/records', { data: customer() })));
      const waiting = async () =>
        (await holder.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`)).rows[0]!.n;
      for (let i = 0; i < 200 && (await waiting()) < 1; i++) await new Promise((resolve) => setTimeout(resolve, 25));
      await new Promise((resolve) => setTimeout(resolve, 500));
      await holder.query('COMMIT');
      responses = await pending;
    } finally {
      await holder.end();
    }
    for (const res of responses) expect(res.status).toBe(201);
    const numbers = responses.map((res) => codeNumber(res.body.data.customer_code)).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(30);
    expect(numbers[29]! - numbers[0]!).toBe(29);
    for (const res of responses) expect(res.body.labels.sales_owner).toEqual(expect.any(String));

    const ids = responses.map((res) => res.body.id as string);
    const stored = await ownerQuery<{ id: string; code: string; xmin: string; revs: number; rev_code: string; audits: number; rules: number }>(
      server.databaseUrl,
      `SELECT r.id, r.data->>'customer_code' AS code, r.xmin::text AS xmin,
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
    // Coalesced: creates that arrived while others were on their way shared a statement (one transaction).
    expect(new Set(stored.map((row) => row.xmin)).size).toBeLessThan(30);
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

  it('coalesced creates each keep their own user, request id, revision, audit entry and answer; a duplicate among them is refused alone', async () => {
    const credit = api(server.baseUrl, await login(server.baseUrl, 'credit@demo.local'));
    const creditId = (await credit.get('/api/auth/me')).body.id as string;
    const taken = await admin.post('/api/forms/customer/records', { data: customer() });
    expect(taken.status).toBe(201);
    const sends = Array.from({ length: 24 }, (_, i) => {
      const client = i % 2 ? credit : admin;
      const requestId = `coalesce-${i}-${Date.now()}`;
      // One of them collides with an existing customer's USCC.
      const data = customer(i === 13 ? { uscc: taken.body.data.uscc } : {});
      return { requestId, userId: i % 2 ? creditId : adminId, duplicate: i === 13, request: client.post('/api/forms/customer/records', { data }, { 'x-request-id': requestId }) };
    });
    const responses = await Promise.all(sends.map((s) => s.request));
    sends.forEach((s, i) => expect(responses[i]!.status, s.requestId).toBe(s.duplicate ? 409 : 201));
    expect(responses[13]!.body).toMatchObject({ code: 'records.duplicate', errors: [{ path: '/uscc', keyword: 'unique' }] });

    const created = sends.flatMap((s, i) => (s.duplicate ? [] : [{ ...s, id: responses[i]!.body.id as string, body: responses[i]!.body }]));
    const stored = await ownerQuery<{ id: string; created_by: string; revs: number; rev_actor: string; audit_actor: string; audit_request: string; rules: number }>(
      server.databaseUrl,
      `SELECT r.id, r.created_by,
              (SELECT count(*)::int FROM record_revisions rv WHERE rv.record_id = r.id) AS revs,
              (SELECT rv.actor_id::text FROM record_revisions rv WHERE rv.record_id = r.id AND rv.rev = 1) AS rev_actor,
              (SELECT a.actor_id::text FROM audit_log a WHERE a.entity_id = r.id::text AND a.action = 'record.create') AS audit_actor,
              (SELECT a.request_id FROM audit_log a WHERE a.entity_id = r.id::text AND a.action = 'record.create') AS audit_request,
              (SELECT count(*)::int FROM record_rule_results rr WHERE rr.record_id = r.id) AS rules
       FROM records r WHERE r.id = ANY($1::uuid[])`,
      [created.map((c) => c.id)],
    );
    expect(stored).toHaveLength(created.length);
    const byId = new Map(stored.map((row) => [row.id, row]));
    for (const c of created) {
      expect(c.body).toMatchObject({ rev: 1, createdBy: c.userId, data: { name: expect.any(String) } });
      expect(byId.get(c.id)).toMatchObject({ created_by: c.userId, revs: 1, rev_actor: c.userId, audit_actor: c.userId, audit_request: c.requestId, rules: 1 });
    }
    // Nothing of the refused create was written.
    const [{ n }] = await ownerQuery<{ n: number }>(server.databaseUrl, `SELECT count(*)::int AS n FROM audit_log WHERE request_id = $1`, [sends[13]!.requestId]);
    expect(n).toBe(0);
  });

  it('a create that needed a statement first (the user directory had expired) leaves the one trip off for a moment only (ONE_TRIP_RETRY_MS)', async () => {
    const app = server.server.app;
    // The ordinary path opens its transaction through FormsService#withPublished; the one trip does not.
    const ordinary = vi.spyOn(app.get(FormsService), 'withPublished');
    const post = async () => {
      const res = await admin.post('/api/forms/customer/records', { data: customer() });
      expect(res.status, res.text).toBe(201);
    };
    try {
      await post(); // the write facts and the user directory are current after this one
      ordinary.mockClear();
      await post();
      expect(ordinary, 'a create on current facts goes in one trip').not.toHaveBeenCalled();
      // The directory reloads every minute: the next create must look the sales owner up first.
      (app.get(UserDirectory) as unknown as { tenants: Map<string, unknown> }).tenants.clear();
      await post();
      expect(ordinary, 'the miss is answered the ordinary way').toHaveBeenCalledTimes(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      ordinary.mockClear();
      await post();
      await post();
      // Until session 9 every create of the next minute went the ordinary way (T6 at 0.26-0.32).
      expect(ordinary, 'a moment later the one trip is back').not.toHaveBeenCalled();
    } finally {
      ordinary.mockRestore();
    }
  });

  it('concurrent creates of two companies never share a statement: each record lands in its own company', async () => {
    const app = server.server.app;
    await app.get(TenantsService).createTenant(
      { slug: 'coalesce-rival', name: '并发对手', users: [{ email: 'boss@coalesce.local', displayName: '对手老板', password: 'rival-pass-1', roles: ['admin'] }] },
      async (sql, tenantId, [bossId]) => {
        await app.get(FormsService).installOrThrow(sql, tenantId, loadTemplate('customer'), bossId!);
      },
    );
    const rival = api(server.baseUrl, await login(server.baseUrl, 'boss@coalesce.local', 'rival-pass-1'));
    const rivalId = (await rival.get('/api/auth/me')).body.id as string;
    const sends = Array.from({ length: 20 }, (_, i) =>
      i % 2
        ? rival.post('/api/forms/customer/records', { data: customer({ sales_owner: rivalId }) })
        : admin.post('/api/forms/customer/records', { data: customer() }),
    );
    const responses = await Promise.all(sends);
    for (const res of responses) expect(res.status).toBe(201);
    const rows = await ownerQuery<{ id: string; slug: string; audit_slug: string }>(
      server.databaseUrl,
      `SELECT r.id, t.slug, (SELECT t2.slug FROM audit_log a JOIN tenants t2 ON t2.id = a.tenant_id WHERE a.entity_id = r.id::text) AS audit_slug
       FROM records r JOIN tenants t ON t.id = r.tenant_id WHERE r.id = ANY($1::uuid[])`,
      [responses.map((res) => res.body.id as string)],
    );
    const slugOf = new Map(rows.map((row) => [row.id, row]));
    responses.forEach((res, i) => expect(slugOf.get(res.body.id as string)).toMatchObject({ slug: i % 2 ? 'coalesce-rival' : 'demo', audit_slug: i % 2 ? 'coalesce-rival' : 'demo' }));
    // Each company sees only its own.
    const mine = await rival.get('/api/forms/customer/records?limit=200');
    expect(mine.body.items).toHaveLength(10);
  });
});
