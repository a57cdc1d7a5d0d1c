import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login } from '../support/http.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * Figures for import and export at scale (PERFORMANCE T1, T12), off by default:
 * IMPORT_SCALE_ROWS=100000 npx vitest run --project e2e test/api/import-export-scale.test.ts
 */
const ROWS = Number(process.env.IMPORT_SCALE_ROWS ?? 0);
let server: TestServer;
let token: string;

describe.skipIf(!ROWS)(`import and export of ${ROWS} rows`, () => {
  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 0 });
    token = await login(server.baseUrl, 'admin@demo.local');
  }, 300_000);
  afterAll(() => server?.close());

  it('imports a CSV, then exports it; prints rows/s against server-side COPY of the same projection', async () => {
    const lines = ['客户名称,客户类型,国家/地区,联系人,销售负责人,信用额度,成立日期,是否中小企业,行业,账期(天),邮箱,注册地址'];
    for (let i = 0; i < ROWS; i++) {
      lines.push(`规模测试${i}有限公司,个人,中国大陆,张三${i % 100},admin@demo.local,"¥${((i * 7919) % 100000000).toLocaleString('en-US')}.00",2020年${1 + (i % 12)}月${1 + (i % 28)}日,${i % 2 ? '是' : '否'},制造业,${i % 90},u${i}@example.com,上海市浦东新区${i}号`);
    }
    const body = `\uFEFF${lines.join('\r\n')}\r\n`;
    const post = async (dryRun: boolean) => {
      const started = performance.now();
      const res = await fetch(`${server.baseUrl}/api/forms/customer/imports?dryRun=${dryRun}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body });
      const json = (await res.json()) as { rows: { valid: number } };
      return { status: res.status, ms: performance.now() - started, json };
    };
    const dry = await post(true);
    expect(dry.status, JSON.stringify(dry.json).slice(0, 500)).toBe(200);
    const commit = await post(false);
    expect(commit.status, JSON.stringify(commit.json).slice(0, 500)).toBe(201);

    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const timer = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const res = await fetch(`${server.baseUrl}/api/forms/customer/export.csv?headers=keys`, { headers: { authorization: `Bearer ${token}` } });
    let bytes = 0;
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length;
    const exportMs = performance.now() - started;
    clearInterval(timer);

    const fields = ['customer_code', 'name', 'customer_type', 'country', 'contact_name', 'sales_owner', 'credit_limit', 'established_on', 'is_sme', 'industry', 'payment_term_days', 'email', 'address'];
    const copyStarted = performance.now();
    await ownerQuery(server.databaseUrl, `COPY (SELECT ${fields.map((f) => `data->>'${f}'`).join(', ')} FROM records WHERE deleted_at IS NULL ORDER BY id DESC) TO '/dev/null' WITH (FORMAT csv)`);
    const copyMs = performance.now() - copyStarted;

    // T1/T3 baseline: server-side COPY of the same rows, pre-rendered, into the same table and indexes.
    const file = `/tmp/credo-scale-${process.pid}.csv`;
    await ownerQuery(
      server.databaseUrl,
      `COPY (SELECT tenant_id, gen_random_uuid(), form_id, form_version_id, jsonb_set(data - 'customer_code' - 'uscc', '{name}', to_jsonb((data->>'name') || '副本')), created_by, updated_by
             FROM records WHERE deleted_at IS NULL) TO '${file}' WITH (FORMAT csv)`,
    );
    const copyInStarted = performance.now();
    await ownerQuery(server.databaseUrl, `COPY records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by) FROM '${file}' WITH (FORMAT csv)`);
    const copyInMs = performance.now() - copyInStarted;

    const perSecond = (ms: number) => Math.round((ROWS / ms) * 1000);
    console.log(
      JSON.stringify({
        rows: ROWS,
        csvMB: Math.round(Buffer.byteLength(body) / 1e5) / 10,
        importDryRun: { ms: Math.round(dry.ms), rowsPerSecond: perSecond(dry.ms) },
        importCommit: { ms: Math.round(commit.ms), rowsPerSecond: perSecond(commit.ms) },
        export: { ms: Math.round(exportMs), rowsPerSecond: perSecond(exportMs), MB: Math.round(bytes / 1e5) / 10, rssGrowthMB: Math.round((rssPeak - rssBefore) / 1e6) },
        copyToDevNull: { ms: Math.round(copyMs), rowsPerSecond: perSecond(copyMs) },
        copyIntoRecords: { ms: Math.round(copyInMs), rowsPerSecond: perSecond(copyInMs) },
        importVsCopy: Math.round((copyInMs / commit.ms) * 100) / 100,
        exportVsCopy: Math.round((copyMs / exportMs) * 100) / 100,
      }),
    );
  }, 600_000);
});
