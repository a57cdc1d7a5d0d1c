import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login } from '../support/http.js';
import { uniqueName, uniqueUscc } from '../support/factories.js';
import { recordsPartition } from '../../apps/api/src/database/records-partition.js';
import { ownerQuery, startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let admin: ReturnType<typeof api>;
let adminId: string;
interface Made {
  id: string;
  name: string;
  credit_limit?: string;
  established_on?: string;
  customer_type: string;
}
const made: Made[] = [];

const LIMITS = ['100000.00', '2500.50', undefined, '99999.99', '100000.00', '0.00', undefined, '1234567.89', '2500.5', '15'];

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 0 });
  admin = api(server.baseUrl, await login(server.baseUrl, 'admin@demo.local'));
  adminId = (await admin.get('/api/auth/me')).body.id;
  for (let i = 0; i < 30; i++) {
    const limit = LIMITS[i % LIMITS.length];
    const data: Record<string, unknown> = {
      name: uniqueName(i % 3 === 0 ? '华东' : '华北'),
      customer_type: i % 4 === 0 ? '个人' : '企业',
      country: 'CN',
      contact_name: '张三',
      sales_owner: adminId,
      ...(i % 4 === 0 ? {} : { uscc: uniqueUscc() }),
      ...(limit === undefined ? {} : { credit_limit: limit }),
      ...(i % 5 === 0 ? {} : { established_on: `20${String(10 + (i % 9)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 9}` }),
    };
    const res = await admin.post('/api/forms/customer/records', { data });
    expect(res.status, res.text).toBe(201);
    made.push({ id: res.body.id, ...(data as object) } as Made);
  }
});
afterAll(() => server?.close());

const list = (query: Record<string, string>) => admin.get(`/api/forms/customer/records?${new URLSearchParams(query)}`);

async function all(query: Record<string, string>, limit = 7): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 50; guard++) {
    const res = await list({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    expect(res.status, res.text).toBe(200);
    ids.push(...res.body.items.map((r: { id: string }) => r.id));
    if (!res.body.next) return ids;
    cursor = res.body.next;
  }
  throw new Error('too many pages');
}

/** Exact decimal comparison of money strings, for the expected order. */
function cmpMoney(a: string, b: string): number {
  const scale = (s: string) => BigInt(s.includes('.') ? s.replace('.', '').padEnd(s.indexOf('.') + 1 + 2, '0').slice(0, s.indexOf('.') + 2) : s + '00');
  const [x, y] = [scale(a), scale(b)];
  return x < y ? -1 : x > y ? 1 : 0;
}

describe('filtered lists', () => {
  it('gte on money compares exact decimals', async () => {
    const ids = await all({ filter: JSON.stringify({ credit_limit: { gte: '99999.99' } }) });
    const expected = made.filter((m) => m.credit_limit && cmpMoney(m.credit_limit, '99999.99') >= 0).map((m) => m.id);
    expect(new Set(ids)).toEqual(new Set(expected));
    expect(ids.length).toBe(12);
  });

  it('in, contains, empty and between combine (AND), and total counts the filtered rows', async () => {
    const filter = { customer_type: { in: ['企业'] }, name: { contains: '华东' }, credit_limit: { empty: false } };
    const res = await list({ filter: JSON.stringify(filter), total: 'true', limit: '200' });
    const expected = made.filter((m) => m.customer_type === '企业' && m.name.includes('华东') && m.credit_limit !== undefined);
    expect(res.body.total).toBe(expected.length);
    // Few match: the total is an exact count, and says so.
    expect(res.body).toMatchObject({ totalIsEstimate: false, totalCapped: false });
    expect(new Set(res.body.items.map((r: { id: string }) => r.id))).toEqual(new Set(expected.map((m) => m.id)));
    const dates = await all({ filter: JSON.stringify({ established_on: { between: ['2012-01-01', '2014-12-31'] } }) });
    expect(new Set(dates)).toEqual(
      new Set(made.filter((m) => m.established_on && m.established_on >= '2012-01-01' && m.established_on <= '2014-12-31').map((m) => m.id)),
    );
  });

  it('a LIKE wildcard in contains is taken literally', async () => {
    const res = await list({ filter: JSON.stringify({ name: { contains: '%' } }) });
    expect(res.body.items).toHaveLength(0);
  });

  it('fields= returns only the asked fields', async () => {
    const res = await list({ fields: 'name,credit_limit', limit: '3' });
    for (const item of res.body.items) expect(Object.keys(item.data).every((k) => k === 'name' || k === 'credit_limit')).toBe(true);
  });
});

describe('sorted keyset pages', () => {
  it('ascending money: values in exact order, ties by id, then empties; pages never repeat or skip', async () => {
    const ids = await all({ sort: 'credit_limit' });
    const withValue = made.filter((m) => m.credit_limit !== undefined).sort((a, b) => cmpMoney(a.credit_limit!, b.credit_limit!) || (a.id < b.id ? -1 : 1));
    const empty = made.filter((m) => m.credit_limit === undefined).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(ids).toEqual([...withValue, ...empty].map((m) => m.id));
  });

  it('descending money: empties first, then values from the largest', async () => {
    const ids = await all({ sort: '-credit_limit' }, 4);
    const empty = made.filter((m) => m.credit_limit === undefined).sort((a, b) => (a.id < b.id ? 1 : -1));
    const withValue = made.filter((m) => m.credit_limit !== undefined).sort((a, b) => cmpMoney(b.credit_limit!, a.credit_limit!) || (a.id < b.id ? 1 : -1));
    expect(ids).toEqual([...empty, ...withValue].map((m) => m.id));
  });

  it('sorts dates and text, with a filter at the same time', async () => {
    const ids = await all({ sort: 'established_on', filter: JSON.stringify({ customer_type: { eq: '企业' } }) }, 5);
    const rows = made.filter((m) => m.customer_type === '企业');
    const expected = [
      ...rows.filter((m) => m.established_on).sort((a, b) => a.established_on!.localeCompare(b.established_on!) || (a.id < b.id ? -1 : 1)),
      ...rows.filter((m) => !m.established_on).sort((a, b) => (a.id < b.id ? -1 : 1)),
    ];
    expect(ids).toEqual(expected.map((m) => m.id));
    const byName = await all({ sort: '-name' }, 9);
    expect(byName).toEqual([...made].sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)).map((m) => m.id));
  });

  it('the customer form gets expression indexes for its indexed fields, and the planner uses them', async () => {
    const [{ id: formId }] = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM forms WHERE key = 'customer'`);
    const indexes = await ownerQuery<{ indexname: string; indexdef: string }>(
      server.databaseUrl,
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $2 AND indexname ~ $1`,
      [`^(rx|ux)_${formId.replace(/-/g, '')}_`, recordsPartition(formId)],
    );
    expect(indexes.length).toBe(9);
    expect(indexes.filter((i) => i.indexname.startsWith('ux_'))).toHaveLength(3);
    // 30 rows would be scanned sequentially anyway (or through a bitmap of any index of the form's
    // partition): forbid that to see that the expression matches the index.
    const client = new pg.Client({ connectionString: server.databaseUrl });
    await client.connect();
    try {
      await client.query('SET enable_seqscan = off');
      await client.query('SET enable_bitmapscan = off');
      const plan = await client.query(
        `EXPLAIN SELECT id FROM records r WHERE r.form_id = $1 AND r.deleted_at IS NULL
           AND ((r.data->>'credit_status')) = '正常' ORDER BY (r.data->>'credit_status'), r.id LIMIT 10`,
        [formId],
      );
      expect(plan.rows.map((p) => p['QUERY PLAN']).join('\n')).toMatch(/Index (Only )?Scan using rx_/);
    } finally {
      await client.end();
    }
  });
});

describe('failing list queries', () => {
  it.each([
    ['an unknown field', { filter: JSON.stringify({ nope: { eq: 1 } }) }, '/filter/nope'],
    ['an operator the type does not offer', { filter: JSON.stringify({ customer_type: { gt: '企业' } }) }, '/filter/customer_type/gt'],
    ['a wrong value type', { filter: JSON.stringify({ credit_limit: { gte: 'lots' } }) }, '/filter/credit_limit/gte'],
    ['an impossible date', { filter: JSON.stringify({ established_on: { lt: '2023-02-30' } }) }, '/filter/established_on/lt'],
    ['filter that is not JSON', { filter: '{credit_limit' }, '/filter'],
    ['filter that is an array', { filter: '[1]' }, '/filter'],
    ['sort on an unknown field', { sort: 'nope' }, '/sort'],
    ['sort on an unsortable field', { sort: 'sales_owner' }, '/sort'],
    ['fields naming an unknown field', { fields: 'name,nope' }, '/fields'],
  ])('%s is 400 naming the path', async (_label, query, path) => {
    const res = await list(query as Record<string, string>);
    expect(res.status, res.text).toBe(400);
    expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    for (const error of res.body.errors) expect(error.message).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('a cursor from another sort order is refused or harmless, never a 500', async () => {
    const page = await list({ sort: 'credit_limit', limit: '3' });
    const res = await list({ sort: 'established_on', cursor: page.body.next, limit: '3' });
    expect([200, 400]).toContain(res.status);
  });
});

describe('unique fields', () => {
  it('a second customer with the same USCC or name is 409 naming the field; nothing written', async () => {
    const taken = made.find((m) => m.customer_type === '企业')!;
    const [{ uscc }] = await ownerQuery<{ uscc: string }>(server.databaseUrl, `SELECT data->>'uscc' AS uscc FROM records WHERE id = $1`, [taken.id]);
    const before = (await list({ total: 'true', limit: '1' })).body.total;
    const dupUscc = await admin.post('/api/forms/customer/records', {
      data: { name: uniqueName(), customer_type: '企业', country: 'CN', uscc, contact_name: '李四', sales_owner: adminId },
    });
    expect(dupUscc.status).toBe(409);
    expect(dupUscc.body).toMatchObject({ code: 'records.duplicate', errors: [{ path: '/uscc', keyword: 'unique' }] });
    const dupName = await admin.post('/api/forms/customer/records', {
      data: { name: taken.name, customer_type: '个人', country: 'CN', contact_name: '李四', sales_owner: adminId },
    }, { 'accept-language': 'en' });
    expect(dupName.status).toBe(409);
    expect(dupName.body.errors[0].path).toBe('/name');
    expect(dupName.body.detail).toMatch(/already has/);
    expect((await list({ total: 'true', limit: '1' })).body.total).toBe(before);
  });
});

describe('totals', () => {
  const BULK = 2400;
  const MARKED = 1500;
  let staff: ReturnType<typeof api>;
  let staffId: string;
  let live: number;

  beforeAll(async () => {
    staff = api(server.baseUrl, await login(server.baseUrl, 'staff@demo.local'));
    staffId = (await staff.get('/api/auth/me')).body.id;
    const rules = { roles: { staff: { read: true, create: true, update: true, delete: false, rows: 'own' } }, ownerField: 'sales_owner' };
    expect((await admin.call('PUT', '/api/forms/customer/permissions', { body: rules })).status).toBe(200);
    // Many customers at once (copies of a stored one under new names): the first MARKED with
    // credit limit 7.77, the rest 8.88; every 100th belongs to the staff user.
    const [template] = await ownerQuery<{ id: string }>(server.databaseUrl, `SELECT id FROM records WHERE id = $1`, [made[1]!.id]);
    await ownerQuery(
      server.databaseUrl,
      `INSERT INTO records (tenant_id, id, form_id, form_version_id, data)
       SELECT t.tenant_id, gen_random_uuid(), t.form_id, t.form_version_id,
              (t.data - 'uscc') || jsonb_build_object('name', '批量客户' || i, 'customer_code', 'BULK-' || i, 'customer_type', '个人',
                'credit_limit', CASE WHEN i <= $2 THEN '7.77' ELSE '8.88' END,
                'sales_owner', CASE WHEN i % 100 = 0 THEN $4 ELSE t.data->>'sales_owner' END)
       FROM records t, generate_series(1, $3::int) i WHERE t.id = $1`,
      [template!.id, MARKED, BULK, staffId],
    );
    await ownerQuery(server.databaseUrl, 'ANALYZE records');
    [{ live }] = await ownerQuery<{ live: number }>(
      server.databaseUrl,
      `SELECT count(*)::int AS live FROM records r JOIN forms f ON f.id = r.form_id AND f.tenant_id = r.tenant_id
       WHERE f.key = 'customer' AND r.deleted_at IS NULL AND r.tenant_id = (SELECT tenant_id FROM records WHERE id = $1)`,
      [made[0]!.id],
    );
    expect(live).toBeGreaterThan(BULK);
  });

  it('total=true beyond 1,000 matches is the planner estimate, flagged totalIsEstimate, at least 1,001', async () => {
    const res = await list({ total: 'true', limit: '5' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ totalIsEstimate: true, totalCapped: false });
    expect(Number.isInteger(res.body.total)).toBe(true);
    expect(res.body.total).toBeGreaterThanOrEqual(1001);
    // Freshly analyzed: the estimate is near the truth (it is not an exact count).
    expect(res.body.total).toBeGreaterThan(live / 2);
    expect(res.body.total).toBeLessThan(live * 2);
    expect(res.body.items).toHaveLength(5);
    // Also when the total is counted after the page (extras keep the transaction open).
    const withExtras = await list({ total: 'true', limit: '1', include: 'rollups' });
    expect(withExtras.body).toMatchObject({ totalIsEstimate: true, totalCapped: false });
    expect(withExtras.body.total).toBeGreaterThan(live / 2);

    const filtered = await list({ filter: JSON.stringify({ credit_limit: { eq: '7.77' } }), total: 'true', limit: '5' });
    expect(filtered.body).toMatchObject({ totalIsEstimate: true, totalCapped: false });
    expect(filtered.body.total).toBeGreaterThanOrEqual(1001);
    expect(filtered.body.total).toBeLessThan(live);
  });

  it('a filtered total=true counts afresh on every request; only the estimate beyond 1,000 is reused (30 s)', async () => {
    const filter = JSON.stringify({ credit_limit: { eq: '7.77' } });
    const first = await list({ filter, total: 'true', limit: '1' });
    expect(first.body).toMatchObject({ totalIsEstimate: true, totalCapped: false });
    // All but 300 of the marked customers soft-deleted: the next total is the exact count at once.
    const stamp = `(substring(data->>'customer_code' from 6))::int BETWEEN 301 AND ${MARKED}`;
    await ownerQuery(server.databaseUrl, `UPDATE records SET deleted_at = now() WHERE data->>'customer_code' LIKE 'BULK-%' AND ${stamp}`);
    try {
      const few = await list({ filter, total: 'true', limit: '1' });
      expect(few.body).toMatchObject({ total: 300, totalIsEstimate: false, totalCapped: false });
    } finally {
      await ownerQuery(server.databaseUrl, `UPDATE records SET deleted_at = NULL WHERE data->>'customer_code' LIKE 'BULK-%' AND ${stamp}`);
    }
    // Back above 1,000: the estimate again, the figure planned for the first request.
    const again = await list({ filter, total: 'true', limit: '1' });
    expect(again.body).toMatchObject({ total: first.body.total, totalIsEstimate: true });
  });

  it('total=true with at most 1,000 matches is exact, and total=exact counts beyond 1,000', async () => {
    const few = await list({ filter: JSON.stringify({ credit_limit: { eq: '8.88' } }), total: 'true', limit: '5' });
    expect(few.body).toEqual(expect.objectContaining({ total: BULK - MARKED, totalIsEstimate: false, totalCapped: false }));
    const exact = await list({ filter: JSON.stringify({ credit_limit: { eq: '7.77' } }), total: 'exact', limit: '5' });
    expect(exact.status, exact.text).toBe(200);
    expect(exact.body).toEqual(expect.objectContaining({ total: MARKED, totalIsEstimate: false, totalCapped: false }));
    const everything = await list({ total: 'exact', limit: '1' });
    expect(everything.body).toEqual(expect.objectContaining({ total: live, totalIsEstimate: false, totalCapped: false }));
    expect((await list({ total: 'maybe' })).status).toBe(400);
  });

  it('totals count only what the caller may read (own records only)', async () => {
    const mine = await staff.get('/api/forms/customer/records?limit=1&total=true');
    expect(mine.status, mine.text).toBe(200);
    expect(mine.body).toMatchObject({ total: BULK / 100, totalIsEstimate: false });
    const marked = await staff.get(`/api/forms/customer/records?limit=1&total=exact&filter=${encodeURIComponent(JSON.stringify({ credit_limit: { eq: '7.77' } }))}`);
    expect(marked.body).toMatchObject({ total: MARKED / 100, totalIsEstimate: false, totalCapped: false });
  });

  it('an unfiltered total=true comes from statistics only while they prove more than 1,000: after soft-deleting most records it is exact again, before any ANALYZE', async () => {
    const before = await list({ total: 'true', limit: '1' });
    expect(before.body).toMatchObject({ totalIsEstimate: true });
    // Soft-delete all bulk customers but the first 700 (one statement, as a bulk delete would):
    // fewer than 1,000 live records remain, while the partition's statistics still say ~live.
    const gone = BULK - 700;
    const stamp = `(substring(data->>'customer_code' from 6))::int > 700`;
    await ownerQuery(server.databaseUrl, `UPDATE records SET deleted_at = now() WHERE data->>'customer_code' LIKE 'BULK-%' AND ${stamp}`);
    try {
      expect(live - gone).toBeLessThanOrEqual(1000);
      // Row changes reach the statistics the total reads within about a second.
      await expect
        .poll(async () => (await list({ total: 'true', limit: '1' })).body, { timeout: 10_000, interval: 250 })
        .toMatchObject({ total: live - gone, totalIsEstimate: false, totalCapped: false });
    } finally {
      await ownerQuery(server.databaseUrl, `UPDATE records SET deleted_at = NULL WHERE data->>'customer_code' LIKE 'BULK-%' AND ${stamp}`);
    }
  });
});

describe('pages sent as stored', () => {
  // A plain page goes out as the records' stored JSON text (no parse, no re-encoding); a page with
  // fields= goes through objects. Both must say the same. (Last: it adds a record.)
  it('a plain page and a fields= page of every field give the same records, labels and cursor', async () => {
    const tricky = `引号"反斜杠\\换行\n制表\t控制\u0001 </script> 😀 ${uniqueName('原样')}`;
    const created = await admin.post('/api/forms/customer/records', {
      data: { name: tricky, customer_type: '个人', country: 'CN', contact_name: '李四', sales_owner: adminId, collector: adminId, credit_limit: '1234.50', is_sme: false, payment_term_days: 45 },
    });
    expect(created.status, created.text).toBe(201);
    const samePage = async (query: Record<string, string>) => {
      const plain = await list(query);
      expect(plain.status, plain.text).toBe(200);
      expect(plain.headers.get('content-type')).toBe('application/json; charset=utf-8');
      const keys = [...new Set(plain.body.items.flatMap((i: { data: object }) => Object.keys(i.data)))] as string[];
      const selected = await list({ ...query, fields: keys.join(',') });
      expect(selected.status, selected.text).toBe(200);
      expect(plain.body).toEqual(selected.body);
      return plain.body;
    };
    const page = await samePage({ limit: '20', total: 'exact' });
    expect(page.items).toHaveLength(20);
    expect(page.next).not.toBeNull();
    const [mine] = (await samePage({ filter: JSON.stringify({ name: { contains: '原样' } }), sort: 'name' })).items;
    expect(mine.id).toBe(created.body.id);
    expect(mine.data.name).toBe(tricky);
    expect(Object.keys(mine.data)).toEqual(expect.arrayContaining(['sales_owner', 'collector', 'credit_limit', 'is_sme', 'payment_term_days']));
    expect(mine.labels).toEqual({ sales_owner: '系统管理员', collector: '系统管理员' });
    // The same as a single read (which adds its rules and roll-ups).
    const single = await admin.get(`/api/forms/customer/records/${created.body.id}`);
    const { rules: _rules, rollups: _rollups, ...core } = single.body;
    expect(mine).toEqual(core);
    // Totals ride along unchanged.
    const counted = await list({ limit: '5', total: 'true', filter: JSON.stringify({ name: { eq: tricky } }) });
    expect(counted.body).toEqual({ items: [mine], next: null, total: 1, totalIsEstimate: false, totalCapped: false });
  });
});
