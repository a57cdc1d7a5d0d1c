import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

/**
 * An import stores the rule results (class, alerts) of every row it writes, in its transaction,
 * and classifies again the customers its receivables touch: what a user sees right after an
 * import equals what the same rows created one by one through POST records give.
 */
let server: TestServer;
let adminToken: string;
let admin: ReturnType<typeof api>;
let adminId: string;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 20 });
  adminToken = await login(server.baseUrl, 'admin@demo.local');
  admin = api(server.baseUrl, adminToken);
  adminId = (await admin.get('/api/auth/me')).body.id;
});
afterAll(() => server?.close());

function csv(rows: string[][]): string {
  return rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n') + '\r\n';
}

async function importCsv(form: string, body: string, query = 'dryRun=false') {
  const res = await fetch(`${server.baseUrl}/api/forms/${form}/imports?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'text/csv' },
    body,
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

interface Stored {
  id: string;
  vals: Record<string, unknown>;
  alerts: Array<{ code: string; message: unknown; severity: string }>;
  as_of: string;
}

async function storedResults(ids: string[]): Promise<Map<string, Stored>> {
  const rows = await ownerQuery<Stored>(
    server.databaseUrl,
    `SELECT record_id AS id, vals, alerts, to_char(as_of, 'YYYY-MM-DD') AS as_of FROM record_rule_results WHERE record_id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/** What a user compares: the values (class …) and the alerts raised, with their messages. */
function outcome(stored: Stored | undefined) {
  if (!stored) return null;
  return { values: stored.vals, alerts: stored.alerts.map((a) => ({ code: a.code, severity: a.severity, message: a.message })).sort((a, b) => a.code.localeCompare(b.code)) };
}

const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const daysAgo = (n: number) => new Date(Date.parse(`${today}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** Customers in several shapes (no rollups yet): the class a new customer gets depends on them. */
const CUSTOMER_SHAPES: Array<Record<string, string>> = [
  { customer_type: '个人', country: 'CN', credit_limit: '120000.00', payment_term_days: '30' },
  { customer_type: '企业', country: 'CN', credit_limit: '0.00', payment_term_days: '90', is_sme: 'false' },
  { customer_type: '个人', country: 'CN', credit_limit: '50000.00', payment_term_days: '45' },
  { customer_type: '事业单位', country: 'CN', payment_term_days: '75' },
];

function customerData(shape: Record<string, string>, name: string): Record<string, unknown> {
  const data: Record<string, unknown> = { name, contact_name: '张三', sales_owner: adminId, customer_type: shape.customer_type, country: shape.country };
  if (shape.customer_type !== '个人') data.uscc = uniqueUscc();
  if (shape.credit_limit) data.credit_limit = shape.credit_limit;
  if (shape.payment_term_days) data.payment_term_days = Number(shape.payment_term_days);
  if (shape.is_sme) data.is_sme = shape.is_sme === 'true';
  return data;
}

describe('an import stores rule results at once', () => {
  let imported: string[] = [];
  let posted: string[] = [];

  it('imported customers get the same stored class and alerts as the same customers created one by one', async () => {
    const names = CUSTOMER_SHAPES.map(() => uniqueName('规则导入'));
    const datas = CUSTOMER_SHAPES.map((s, i) => customerData(s, names[i]!));
    const header = ['name', 'customer_type', 'country', 'uscc', 'contact_name', 'sales_owner', 'credit_limit', 'payment_term_days', 'is_sme'];
    const file = csv([header, ...datas.map((d) => header.map((h) => (h === 'sales_owner' ? 'admin@demo.local' : d[h] === undefined ? '' : String(d[h]))))]);
    const res = await importCsv('customer', file);
    expect(res.status, res.text).toBe(201);
    expect(res.body.created).toBe(CUSTOMER_SHAPES.length);
    const rows = await ownerQuery<{ id: string; name: string }>(server.databaseUrl, `SELECT id, data->>'name' AS name FROM records WHERE data->>'name' = ANY($1::text[])`, [names]);
    imported = names.map((n) => rows.find((r) => r.name === n)!.id);
    posted = [];
    for (const shape of CUSTOMER_SHAPES) {
      const created = await admin.post('/api/forms/customer/records', { data: customerData(shape, uniqueName('规则单建')) });
      expect(created.status, created.text).toBe(201);
      posted.push(created.body.id);
    }
    const stored = await storedResults([...imported, ...posted]);
    for (let i = 0; i < CUSTOMER_SHAPES.length; i++) {
      expect(stored.get(imported[i]!), `imported customer ${i} has no stored result`).toBeDefined();
      expect(stored.get(imported[i]!)!.as_of).toBe(today);
      expect(outcome(stored.get(imported[i]!)), `customer shape ${i}`).toEqual(outcome(stored.get(posted[i]!)));
    }
    // The record API shows it too (what the list and detail pages read).
    const read = await admin.get(`/api/forms/customer/records/${imported[0]}`);
    expect(read.body.rules?.values?.customer_class).toBeTruthy();
    expect(read.body.rules.values).toEqual(stored.get(imported[0]!)!.vals);
  });

  it('imported receivables get their alerts, and their customers are classified again, as POST records gives', async () => {
    // Customer 0 (limit 120,000): 100,000 due in 3 days (DUE_SOON_LARGE on the receivable) and
    // 1,000 more: utilisation 84 % (NEAR_LIMIT on the customer). Customer 2 (limit 50,000): 5,000.
    const receivables = (customer: string[]) => [
      { customer: customer[0]!, amount: '100000.00', biz_date: daysAgo(27), term_days: 30, contract_no: 'R-A' },
      { customer: customer[0]!, amount: '1000.00', biz_date: today, term_days: 30, contract_no: 'R-B' },
      { customer: customer[2]!, amount: '5000.00', biz_date: daysAgo(10), term_days: 45, contract_no: 'R-C' },
    ];
    const header = ['customer', 'amount', 'biz_date', 'term_days', 'contract_no'];
    const file = csv([header, ...receivables(imported).map((r) => header.map((h) => String(r[h as keyof typeof r])))]);
    const beforeImport = await storedResults([imported[0]!]);
    expect(beforeImport.get(imported[0]!)!.alerts.map((a) => a.code)).not.toContain('NEAR_LIMIT');
    const res = await importCsv('receivable', file);
    expect(res.status, res.text).toBe(201);
    expect(res.body.created).toBe(3);
    const importedRows = await ownerQuery<{ id: string; customer: string; contract_no: string }>(
      server.databaseUrl,
      `SELECT id, data->>'customer' AS customer, data->>'contract_no' AS contract_no FROM records WHERE data->>'customer' = ANY($1::text[]) ORDER BY data->>'contract_no'`,
      [imported],
    );
    expect(importedRows.map((r) => r.contract_no)).toEqual(['R-A', 'R-B', 'R-C']);
    const postedRows: string[] = [];
    for (const r of receivables(posted)) {
      const created = await admin.post('/api/forms/receivable/records', { data: r });
      expect(created.status, created.text).toBe(201);
      postedRows.push(created.body.id);
    }
    const stored = await storedResults([...importedRows.map((r) => r.id), ...postedRows, ...imported, ...posted]);
    // Every imported receivable has its result, equal to the one created through the API.
    importedRows.forEach((r, i) => {
      expect(stored.get(r.id), `imported receivable ${r.contract_no} has no stored result`).toBeDefined();
      expect(outcome(stored.get(r.id)), r.contract_no).toEqual(outcome(stored.get(postedRows[i]!)));
    });
    // An alert rule fires on an imported row.
    expect(stored.get(importedRows[0]!.id)!.alerts.map((a) => a.code)).toContain('DUE_SOON_LARGE');
    // Customers touched by the import were classified again in the same transaction.
    expect(stored.get(imported[0]!)!.alerts.map((a) => a.code)).toContain('NEAR_LIMIT');
    for (const i of [0, 2]) expect(outcome(stored.get(imported[i]!)), `customer ${i}`).toEqual(outcome(stored.get(posted[i]!)));
    const read = await admin.get(`/api/forms/customer/records/${imported[0]}`);
    expect(read.body.rollups).toMatchObject({ ar_balance: '101000.00' });
    expect(read.body.rules.alerts.map((a: { code: string }) => a.code)).toContain('NEAR_LIMIT');
  });

  it('an upsert stores the updated rows\' results again; a dry run stores nothing', async () => {
    // Customer 2's limit drops to 5,500: its 5,000 receivable is now 91 % of it (NEAR_LIMIT).
    const code = (await admin.get(`/api/forms/customer/records/${imported[2]}`)).body.data.customer_code as string;
    const before = await storedResults([imported[2]!]);
    expect(before.get(imported[2]!)!.alerts.map((a) => a.code)).not.toContain('NEAR_LIMIT');
    const file = csv([['customer_code', 'credit_limit'], [code, '5500.00']]);
    const dry = await importCsv('customer', file, 'dryRun=true&mode=upsert&key=customer_code');
    expect(dry.status, dry.text).toBe(200);
    expect((await storedResults([imported[2]!])).get(imported[2]!)!.alerts.map((a) => a.code)).not.toContain('NEAR_LIMIT');
    const res = await importCsv('customer', file, 'dryRun=false&mode=upsert&key=customer_code');
    expect(res.status, res.text).toBe(201);
    expect(res.body.updated).toBe(1);
    const after = await storedResults([imported[2]!]);
    expect(after.get(imported[2]!)!.alerts.map((a) => a.code)).toContain('NEAR_LIMIT');
    // The same change through PATCH gives the same outcome.
    const current = await admin.get(`/api/forms/customer/records/${posted[2]}`);
    const patched = await admin.call('PATCH', `/api/forms/customer/records/${posted[2]}`, { body: { data: { credit_limit: '5500.00' } }, headers: { 'if-match': `"${current.body.rev}"` } });
    expect(patched.status, patched.text).toBe(200);
    const both = await storedResults([imported[2]!, posted[2]!]);
    expect(outcome(both.get(imported[2]!))).toEqual(outcome(both.get(posted[2]!)));
  });
});
