import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordsPartition } from '../../apps/api/src/database/records-partition.js';
import { api, login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * The alert.raised trigger reads the records its rule results are about. `records` is
 * partitioned by form: the trigger's look-up must touch only the partition of the results' form,
 * not every form's. The plan of the statement the trigger runs is read with auto_explain
 * (nested statements, sent to this session as notices).
 */
let server: TestServer;
let admin: ReturnType<typeof api>;
let forms: Array<{ id: string; key: string }>;
let customerFormId: string;

beforeAll(async () => {
  // No jobs: deliveries stay in the outbox where the test can read them.
  server = await startTestServer({ demoCustomers: 4, config: { webhookAllowPrivateNetworks: true } });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  forms = await ownerQuery<{ id: string; key: string }>(server.databaseUrl, 'SELECT id, key FROM forms');
  customerFormId = forms.find((f) => f.key === 'customer')!.id;
  const hook = await admin.post('/api/webhooks', { url: 'http://127.0.0.1:9/alerts', events: ['alert.raised'], form: 'customer' });
  expect(hook.status, hook.text).toBe(201);
  expect((await admin.post('/api/forms/customer/rules/evaluate', {})).status).toBe(200);
}, 120_000);
afterAll(() => server?.close());

/** Runs `statements` in one owner session with auto_explain on; returns the plans logged for nested statements. */
async function plansOf(statements: Array<[string, unknown[]]>): Promise<string[]> {
  const client = new pg.Client({ connectionString: server.databaseUrl });
  const notices: string[] = [];
  client.on('notice', (n) => notices.push(n.message ?? ''));
  await client.connect();
  try {
    await client.query(`LOAD 'auto_explain'`);
    await client.query(`SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = 'notice'`);
    for (const [text, params] of statements) await client.query(text, params);
  } finally {
    await client.end();
  }
  return notices;
}

function partitionsIn(plan: string): string[] {
  return forms.map((f) => recordsPartition(f.id)).filter((name) => plan.includes(name));
}

describe('alert.raised trigger reads only the form partition', () => {
  it('an update that raises a new alert looks up the record in the customer partition only, and the event is written', async () => {
    const [result] = await ownerQuery<{ record_id: string }>(
      server.databaseUrl,
      `SELECT x.record_id FROM record_rule_results x JOIN records r ON r.tenant_id = x.tenant_id AND r.id = x.record_id WHERE r.form_id = $1 LIMIT 1`,
      [customerFormId],
    );
    expect(result).toBeDefined();
    const probe = { code: 'PROBE_PARTITION', severity: 'high', message: '分区探针', rule: 'probe' };
    const plans = await plansOf([[`UPDATE record_rule_results SET alerts = alerts || $2::jsonb WHERE record_id = $1`, [result!.record_id, JSON.stringify([probe])]]]);
    const insert = plans.find((p) => /Insert on webhook_deliveries/.test(p));
    expect(insert, plans.join('\n---\n')).toBeDefined();
    expect(partitionsIn(insert!)).toEqual([recordsPartition(customerFormId)]);

    const deliveries = await ownerQuery<{ payload: { form: { key: string }; record: { id: string }; alert: { code: string } } }>(
      server.databaseUrl,
      `SELECT payload FROM webhook_deliveries WHERE event_type = 'alert.raised' AND payload -> 'alert' ->> 'code' = 'PROBE_PARTITION'`,
    );
    expect(deliveries.map((d) => [d.payload.form.key, d.payload.record.id])).toEqual([['customer', result!.record_id]]);
  });

  it('a first rule result (insert) is pruned the same way', async () => {
    const [row] = await ownerQuery<{ record_id: string }>(
      server.databaseUrl,
      `SELECT x.record_id FROM record_rule_results x JOIN records r ON r.tenant_id = x.tenant_id AND r.id = x.record_id
       WHERE r.form_id = $1 AND NOT x.alerts @> '[{"code":"PROBE_PARTITION"}]' LIMIT 1`,
      [customerFormId],
    );
    expect(row).toBeDefined();
    const alerts = [{ code: 'PROBE_INSERT', severity: 'low', message: '新结果', rule: 'probe' }];
    const plans = await plansOf([
      ['CREATE TEMP TABLE kept AS SELECT * FROM record_rule_results WHERE record_id = $1', [row!.record_id]],
      ['DELETE FROM record_rule_results WHERE record_id = $1', [row!.record_id]],
      [
        `INSERT INTO record_rule_results (tenant_id, record_id, rule_version_id, as_of, vals, alerts, explanation)
         SELECT tenant_id, record_id, rule_version_id, as_of, vals, $1::jsonb, explanation FROM kept`,
        [JSON.stringify(alerts)],
      ],
    ]);
    const insert = plans.find((p) => /Insert on webhook_deliveries/.test(p));
    expect(insert, plans.join('\n---\n')).toBeDefined();
    expect(partitionsIn(insert!)).toEqual([recordsPartition(customerFormId)]);
    const [n] = await ownerQuery<{ n: number }>(
      server.databaseUrl,
      `SELECT count(*)::int AS n FROM webhook_deliveries WHERE payload -> 'alert' ->> 'code' = 'PROBE_INSERT' AND payload -> 'record' ->> 'id' = $1`,
      [row!.record_id],
    );
    expect(n!.n).toBe(1);
  });
});
