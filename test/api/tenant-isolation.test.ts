import { loadTemplate } from '@credo/seeds';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormsService } from '../../apps/api/src/modules/forms/forms.service.js';
import { RecordsService } from '../../apps/api/src/modules/records/records.service.js';
import { TenantsService } from '../../apps/api/src/modules/tenants/tenants.service.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let otherRecordId: string;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 30 });
  const app = server.server.app;
  // A second company, built through the same services the product uses.
  await app.get(TenantsService).createTenant(
    { slug: 'other', name: '另一家公司', users: [{ email: 'boss@other.local', displayName: '老板', password: 'other-pass-1', roles: ['admin'] }] },
    async (sql, tenantId, [bossId]) => {
      await app.get(FormsService).installOrThrow(sql, tenantId, loadTemplate('customer'), bossId!);
      await app.get(RecordsService).createManyOrThrow(sql, tenantId, bossId!, 'customer', [
        { name: '别家的客户有限公司', customer_type: '个人', country: 'CN', contact_name: '王五', sales_owner: bossId },
      ]);
    },
  );
  const [row] = await ownerQuery<{ id: string }>(
    server.databaseUrl,
    `SELECT r.id FROM records r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = 'other'`,
  );
  otherRecordId = row!.id;
});
afterAll(() => server?.close());

describe('tenant isolation', () => {
  it("a second tenant's record id is 404 for the demo company", async () => {
    const demo = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    const res = await demo.get(`/api/forms/customer/records/${otherRecordId}`);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('records.not_found');
  });

  it('each tenant lists only its own records', async () => {
    const other = api(server.baseUrl, await login(server.baseUrl, 'boss@other.local', 'other-pass-1'));
    const own = await other.get('/api/forms/customer/records?total=true');
    expect(own.body.total).toBe(1);
    expect(own.body.items[0].id).toBe(otherRecordId);
    expect((await other.get(`/api/forms/customer/records/${otherRecordId}`)).status).toBe(200);
    const demo = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
    const demoList = await demo.get('/api/forms/customer/records?limit=200&total=true');
    expect(demoList.body.total).toBe(30);
    expect(demoList.body.items.map((r: { id: string }) => r.id)).not.toContain(otherRecordId);
  });

  it('row-level security holds for the app role even in raw SQL', async () => {
    const client = new pg.Client({ connectionString: server.server.config.resolvedAppDatabaseUrl });
    await client.connect();
    try {
      const su = await client.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
      expect(su.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      // No tenant set: nothing is visible.
      expect((await client.query('SELECT count(*)::int AS n FROM records')).rows[0].n).toBe(0);
      expect((await client.query('SELECT count(*)::int AS n FROM users')).rows[0].n).toBe(0);
      // The other tenant set: only its row.
      const [{ tenant_id }] = (await client.query('SELECT tenant_id FROM credo_auth_lookup($1)', ['boss@other.local'])).rows;
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant_id]);
      expect((await client.query('SELECT count(*)::int AS n FROM records')).rows[0].n).toBe(1);
      // The demo company's rows cannot be touched from here.
      const [demoRow] = await ownerQuery<{ id: string }>(
        server.databaseUrl,
        `SELECT r.id FROM records r JOIN tenants t ON t.id = r.tenant_id WHERE t.slug = 'demo' LIMIT 1`,
      );
      expect((await client.query(`UPDATE records SET data = '{}' WHERE id = $1`, [demoRow!.id])).rowCount).toBe(0);
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant_id]);
      await expect(
        client.query(`INSERT INTO tenants (id, slug, name) VALUES ('0190d6f0-0000-7000-8000-000000000001', 'sneaky', 'x')`),
      ).rejects.toThrow(/row-level security/);
      await client.query('ROLLBACK');
    } finally {
      await client.end();
    }
  });
});
