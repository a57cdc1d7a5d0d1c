import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * total=true on a list filtered by one equality on an indexed field: once the planner has
 * estimated over 10x the exact range (1,000), that estimate (kept 30 s) stands for the total and
 * nothing is counted; every other filter still counts on each request.
 */
let server: TestServer;
let admin: ReturnType<typeof api>;
const BULK = 12_000;
const KEEP = 600;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  const me = (await admin.get('/api/auth/me')).body.id;
  const seed = await admin.post('/api/forms/customer/records', {
    data: { name: uniqueName('模板'), customer_type: '个人', country: 'CN', contact_name: '张三', sales_owner: me },
  });
  expect(seed.status, seed.text).toBe(201);
  // customer_type (an indexed field) = 事业单位 for BULK copies; name 估算客户<i>.
  await ownerQuery(
    server.databaseUrl,
    `INSERT INTO records (tenant_id, id, form_id, form_version_id, data)
     SELECT t.tenant_id, gen_random_uuid(), t.form_id, t.form_version_id,
            t.data || jsonb_build_object('name', '估算客户' || i, 'customer_code', 'EST-' || i, 'customer_type', '事业单位')
     FROM records t, generate_series(1, $2::int) i WHERE t.id = $1`,
    [seed.body.id, BULK],
  );
  await ownerQuery(server.databaseUrl, 'ANALYZE records');
});
afterAll(() => server?.close());

const list = (query: Record<string, string>) => admin.get(`/api/forms/customer/records?${new URLSearchParams(query)}`);

describe('totals from the estimate alone', () => {
  it('an equality on an indexed field estimated beyond 10,000 is not counted while its estimate is kept; a contains filter is', async () => {
    const byType = JSON.stringify({ customer_type: { eq: '事业单位' } });
    const byName = JSON.stringify({ name: { contains: '估算客户' } });
    const first = await list({ filter: byType, total: 'true', limit: '1' });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ totalIsEstimate: true, totalCapped: false });
    expect(first.body.total).toBeGreaterThan(BULK / 2);
    expect((await list({ filter: byName, total: 'true', limit: '1' })).body).toMatchObject({ totalIsEstimate: true });

    // All but KEEP soft-deleted. The equality's total stays the kept estimate (nothing counted);
    // the contains filter counts: exactly KEEP.
    await ownerQuery(server.databaseUrl, `UPDATE records SET deleted_at = now() WHERE data->>'customer_code' LIKE 'EST-%' AND (substring(data->>'customer_code' from 5))::int > $1`, [KEEP]);
    const estimated = await list({ filter: byType, total: 'true', limit: '1' });
    expect(estimated.body).toMatchObject({ total: first.body.total, totalIsEstimate: true, totalCapped: false });
    expect((await list({ filter: byName, total: 'true', limit: '1' })).body).toMatchObject({ total: KEEP, totalIsEstimate: false, totalCapped: false });
    // total=exact always counts.
    expect((await list({ filter: byType, total: 'exact', limit: '1' })).body).toMatchObject({ total: KEEP, totalIsEstimate: false, totalCapped: false });
  });
});
