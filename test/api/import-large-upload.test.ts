import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workbookOf } from '../../apps/api/src/modules/exports/xlsx-buffer.js';
import { api, login } from '../support/http.js';
import { uniqueName } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * POST /api/imports (a large upload, streamed to a file and read from it a block at a time): CSV
 * in GB18030 and UTF-8 and .xlsx read from disk give the rows the in-memory routes give, and each
 * new record gets what a single create writes — its 'create' revision ({field: {to}} for every
 * field of its data, auto-numbers too) and its stored rule result.
 */
let server: TestServer;
let token: string;
let admin: ReturnType<typeof api>;
let adminId: string;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  token = await login(server.baseUrl, 'admin@demo.local');
  admin = api(server.baseUrl, token);
  adminId = (await admin.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

const HEADER = ['客户名称', '客户类型', '国家/地区', '联系人', '销售负责人', '信用额度', '成立日期', '是否中小企业'];

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
}

async function runJob(body: Buffer | string, contentType: string) {
  const res = await fetch(`${server.baseUrl}/api/imports?form=customer&dryRun=false`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType }, body });
  const created = await res.json();
  expect(res.status, JSON.stringify(created)).toBe(202);
  for (;;) {
    const job = (await admin.get(`/api/imports/${created.id}`)).body;
    if (job.status !== 'queued' && job.status !== 'running') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Stored {
  id: string;
  data: Record<string, unknown>;
  rev_changes: Record<string, unknown> | null;
  rev_data: Record<string, unknown>;
  action: string;
  vals: Record<string, unknown> | null;
  alerts: unknown;
}

async function stored(names: string[]): Promise<Stored[]> {
  return ownerQuery<Stored>(
    server.databaseUrl,
    `SELECT r.id, r.data, v.changes AS rev_changes, v.data AS rev_data, v.action, rr.vals, rr.alerts
     FROM records r JOIN record_revisions v ON v.record_id = r.id AND v.rev = 1
     LEFT JOIN record_rule_results rr ON rr.record_id = r.id
     WHERE r.data->>'name' = ANY($1::text[]) ORDER BY r.data->>'name'`,
    [names],
  );
}

/** GB18030 bytes of the few characters these files use (Node has no GBK encoder). */
const GBK: Record<string, number[]> = { 客: [0xbf, 0xcd], 户: [0xbb, 0xa7], 甲: [0xbc, 0xd7], 个: [0xb8, 0xf6], 人: [0xc8, 0xcb], 张: [0xd5, 0xc5], 三: [0xc8, 0xfd], '¥': [0xa3, 0xa4] };
function gbk(text: string): Buffer {
  return Buffer.from([...text].flatMap((c) => (c.charCodeAt(0) < 0x80 ? [c.charCodeAt(0)] : GBK[c]!)));
}

function rows(prefix: string, n: number): string[][] {
  return Array.from({ length: n }, (_, i) => [`${prefix}${String(i).padStart(3, '0')}`, '个人', '中国大陆', '张三', 'admin@demo.local', `¥${i + 1},000,000.00`, '2020年1月5日', i % 2 ? '是' : '否']);
}

describe('POST /api/imports reads the upload from disk', () => {
  it('a CSV job writes each record with the create revision and rule result a single create writes', async () => {
    const prefix = uniqueName('大文件');
    const file = rows(prefix, 12);
    const job = await runJob(`\uFEFF${csv([HEADER, ...file])}`, 'text/csv');
    expect(job.status, JSON.stringify(job.problem)).toBe('succeeded');
    expect(job.counts.inserted).toBe(12);
    expect(job.report.encoding).toBe('utf-8');

    // The same customer created alone, for comparison.
    const single = await admin.post('/api/forms/customer/records', {
      data: { name: `${prefix}单独`, customer_type: '个人', country: 'CN', contact_name: '张三', sales_owner: adminId, credit_limit: '1000000.00', established_on: '2020-01-05', is_sme: false },
    });
    expect(single.status, single.text).toBe(201);
    const [alone] = await stored([`${prefix}单独`]);

    const imported = await stored(file.map((r) => r[0]!));
    expect(imported).toHaveLength(12);
    for (const r of imported) {
      expect(r.action).toBe('create');
      expect(r.rev_data).toEqual(r.data);
      expect(typeof r.data.customer_code).toBe('string');
      // Stored once: the revision's changes are NULL, "every field of its data".
      expect(r.rev_changes).toBeNull();
    }
    // What the revisions API shows: every field of the data, auto-number included, as {to: value},
    // as for the customer created alone.
    const revisionsOf = async (id: string) => {
      const res = await admin.get(`/api/forms/customer/records/${id}/revisions`);
      expect(res.status, res.text).toBe(200);
      return res.body.items as Array<{ rev: number; action: string; changes: Record<string, unknown>; data: Record<string, unknown> }>;
    };
    for (const r of imported.slice(0, 3)) {
      const [created] = await revisionsOf(r.id);
      expect(created).toMatchObject({ rev: 1, action: 'create', data: r.data });
      expect(created!.changes).toEqual(Object.fromEntries(Object.entries(r.data).map(([k, v]) => [k, { to: v }])));
    }
    const [aloneCreated] = await revisionsOf(alone!.id);
    const [importedCreated] = await revisionsOf(imported[0]!.id);
    expect(Object.keys(importedCreated!.changes).sort()).toEqual(Object.keys(aloneCreated!.changes).sort());
    // The first imported row is the single create's customer (limit ¥1,000,000, not an SME): same rule result.
    expect(imported[0]!.vals).not.toBeNull();
    expect(imported[0]!.vals).toEqual(alone!.vals);
    expect(imported[0]!.alerts).toEqual(alone!.alerts);
  });

  it('cells with backslashes, quotes, tabs and line breaks are stored as read', async () => {
    const prefix = uniqueName('转义');
    const names = [`${prefix}a\\b\\\\c`, `${prefix}"引号"`, `${prefix}制表\t符`, `${prefix}换行\n第二行`];
    const job = await runJob(`\uFEFF${csv([HEADER, ...names.map((n) => [n, '个人', '中国大陆', '张三', 'admin@demo.local', '¥1,000.00', '2020年1月5日', '否'])])}`, 'text/csv');
    expect(job.status, JSON.stringify(job.problem)).toBe('succeeded');
    expect(job.counts.inserted).toBe(4);
    const imported = await stored(names);
    expect(imported.map((r) => r.data.name).sort()).toEqual([...names].sort());
    for (const r of imported) expect(r.rev_data).toEqual(r.data);
  });

  it('a GB18030 CSV and an .xlsx read from disk import the same rows', async () => {
    const prefix = `GBK${Date.now()}-`;
    const file = [0, 1, 2].map((i) => [`${prefix}${i}客户甲`, '个人', 'CN', '张三', 'admin@demo.local', `¥${i + 1},000`]);
    const header = ['name', 'customer_type', 'country', 'contact_name', 'sales_owner', 'credit_limit'];
    const job = await runJob(gbk(csv([header, ...file])), 'text/csv');
    expect(job.status, JSON.stringify(job.problem)).toBe('succeeded');
    expect(job.report.encoding).toBe('gb18030');
    const fromCsv = await stored(file.map((r) => r[0]!));
    expect(fromCsv.map((r) => [r.data.name, r.data.customer_type, r.data.contact_name, r.data.credit_limit])).toEqual(
      file.map((r, i) => [r[0], '个人', '张三', `${i + 1}000`]),
    );

    const xlsxRows = file.map((r) => [r[0]!.replace(prefix, `${prefix}x`), ...r.slice(1)]);
    const xlsx = await runJob(await workbookOf([header, ...xlsxRows]), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(xlsx.status, JSON.stringify(xlsx.problem)).toBe('succeeded');
    expect(xlsx.report.encoding).toBe('xlsx');
    const fromXlsx = await stored(xlsxRows.map((r) => r[0]!));
    expect(fromXlsx.map((r) => [r.data.customer_type, r.data.contact_name, r.data.credit_limit])).toEqual(fromCsv.map((r) => [r.data.customer_type, r.data.contact_name, r.data.credit_limit]));
  });
});
