// Shared fixture of the record-list targets (T7, T9, T10, T14): N customer records loaded with SQL
// straight into `records` for the demo tenant's customer form, the app role's connection (RLS),
// the exact SQL the API sends for a list request (built by the product's own compiled
// repository), and EXPLAIN helpers.
//
// Loaded once per run (memoised per product), whichever of the targets asks first.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

/** Records loaded per mode (PERFORMANCE.md §6.1 says 1 M; `--records N` overrides). */
export const LIST_RECORDS = { full: 1_000_000, quick: 100_000, smoke: 2_000 };

/** Offset of the loaded records' numbers (USCC, code), clear of T6's (usccFor(0..)) and the demo seed. */
const NUMBER_OFFSET = 5_000_000;
const CHUNK = 100_000;

/** @type {WeakMap<object, Promise<ListFixture>>} */
const fixtures = new WeakMap();

/**
 * @typedef {object} ListFixture
 * @property {string} tenantId
 * @property {string} formId
 * @property {string} versionId
 * @property {string} ownerUrl     superuser URL
 * @property {string} appUrl       credo_app URL (RLS applies)
 * @property {number} loaded       records this fixture inserted
 * @property {number} live         live records of the customer form (loaded + demo + anything earlier targets created)
 * @property {Array<Record<string, any>>} fields  the published customer form's fields
 * @property {Map<string, string>} indexByField   rx_ index name per indexed field
 * @property {string} token        bearer token of the demo admin
 * @property {Awaited<ReturnType<import('../lib/target.mjs').BenchContext['product']>>} product
 */

/**
 * @param {import('./target.mjs').BenchContext} ctx
 * @returns {Promise<ListFixture>}
 */
export async function listFixture(ctx) {
  const product = await ctx.product();
  let fixture = fixtures.get(product);
  if (!fixture) {
    fixture = loadFixture(ctx, product);
    fixtures.set(product, fixture);
  }
  return fixture;
}

/** A form's partition of `records` (apps/api/src/database/records-partition.ts). */
export function recordsPartition(formId) {
  return `records_${formId.toLowerCase().replace(/-/g, '')}`;
}

/** `--records N` (mode.listRecords) or the mode's default. */
export function recordCount(mode) {
  return mode.listRecords ?? LIST_RECORDS[mode.name] ?? LIST_RECORDS.quick;
}

async function loadFixture(ctx, product) {
  const n = recordCount(ctx.mode);
  const token = await product.login();
  const form = await product.request('GET', '/api/forms/customer', { token });
  const fields = form?.version?.definition?.fields;
  if (!Array.isArray(fields)) throw new Error('GET /api/forms/customer returned no definition');
  const secrets = JSON.parse(await readFile(path.join(product.dataDir, 'secrets.json'), 'utf8'));
  if (typeof secrets.appRolePassword !== 'string') throw new Error(`no appRolePassword in ${product.dataDir}/secrets.json`);
  const appUrl = new URL(product.ownerUrl);
  appUrl.username = 'credo_app';
  appUrl.password = secrets.appRolePassword;

  const client = new pg.Client({ connectionString: product.ownerUrl });
  await client.connect();
  try {
    const { rows: ids } = await client.query(`SELECT tenant_id, id, current_version_id FROM forms WHERE key = 'customer'`);
    if (ids.length !== 1) throw new Error(`expected one customer form, found ${ids.length}`);
    const { tenant_id: tenantId, id: formId, current_version_id: versionId } = ids[0];
    const { rows: users } = await client.query(`SELECT id FROM users WHERE tenant_id = $1 ORDER BY id`, [tenantId]);
    if (!users.length) throw new Error('the demo tenant has no users');

    // Bulk load without the per-row cost of 10 secondary indexes: drop the form's field indexes
    // (those on its partition of records that are not part of a partitioned index of records),
    // insert, rebuild them with their exact definitions (same names), VACUUM ANALYZE.
    const { rows: indexes } = await client.query(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = $1::regclass AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
       ORDER BY c.relname`,
      [`public.${recordsPartition(formId)}`],
    );
    const started = Date.now();
    ctx.log(`record list: loading ${n.toLocaleString('en')} customer records (indexes dropped and rebuilt: ${indexes.length})`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(`SET synchronous_commit = off`);
    await client.query(USCC_FUNCTION);
    for (const ix of indexes) await client.query(`DROP INDEX ${pg.escapeIdentifier(ix.name)}`);
    for (let from = 1; from <= n; from += CHUNK) {
      const to = Math.min(n, from + CHUNK - 1);
      await client.query(INSERT_SQL, [tenantId, formId, versionId, users.map((u) => u.id), from, to, NUMBER_OFFSET]);
    }
    ctx.log(`record list: inserted in ${((Date.now() - started) / 1000).toFixed(1)} s; building ${indexes.length} indexes`);
    for (const ix of indexes) await client.query(ix.def);
    await client.query(`DROP FUNCTION pg_temp.bench_uscc(bigint)`);
    await client.query('VACUUM (ANALYZE) records');
    const { rows: live } = await client.query(`SELECT count(*)::int AS n FROM records WHERE form_id = $1 AND deleted_at IS NULL`, [formId]);
    const { rows: ordered } = await client.query(
      `SELECT count(*)::int AS bad FROM (SELECT data->>'customer_code' AS code, lag(data->>'customer_code') OVER (ORDER BY id) AS prev
       FROM records WHERE form_id = $1 AND data->>'customer_code' LIKE 'C9%') s WHERE prev > code`,
      [formId],
    );
    if (ordered[0].bad) throw new Error(`loaded ids are not in creation order (${ordered[0].bad} inversions): uuidv7() was not monotonic`);
    ctx.log(`record list: ${live[0].n.toLocaleString('en')} live customer records ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const indexByField = new Map();
    const { rows: rx } = await client.query(
      `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
       WHERE i.indrelid = $2::regclass AND c.relname LIKE $1`,
      [`rx\\_${formId.replace(/-/g, '')}\\_%`, `public.${recordsPartition(formId)}`],
    );
    for (const field of fields) {
      if (!field.indexed) continue;
      const hit = rx.find((r) => r.def.includes(`'${field.key}'::text`));
      if (hit) indexByField.set(field.key, hit.name);
    }
    return { tenantId, formId, versionId, ownerUrl: product.ownerUrl, appUrl: appUrl.toString(), loaded: n, live: live[0].n, fields, indexByField, token, product };
  } finally {
    await client.end();
  }
}

// GB 32100 USCC for number n (same scheme as customer-data.mjs usccFor: 企业, Beijing, org code B…).
const USCC_FUNCTION = `
CREATE OR REPLACE FUNCTION pg_temp.bench_uscc(n bigint) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
  uw constant int[] := ARRAY[1,3,9,27,19,26,16,17,20,29,25,13,8,24,10,30,28];
  ow constant int[] := ARRAY[3,7,9,10,5,8,4,2];
  body text := 'B' || lpad((n % 10000000)::text, 7, '0');
  s int := 0; c int; org text; first17 text;
BEGIN
  FOR i IN 1..8 LOOP
    s := s + (CASE WHEN i = 1 THEN 11 ELSE substr(body, i, 1)::int END) * ow[i];
  END LOOP;
  c := 11 - s % 11;
  org := body || CASE c WHEN 10 THEN 'X' WHEN 11 THEN '0' ELSE c::text END;
  first17 := '91110000' || org;
  s := 0;
  FOR i IN 1..17 LOOP
    s := s + (strpos(alphabet, substr(first17, i, 1)) - 1) * uw[i];
  END LOOP;
  RETURN first17 || substr(alphabet, (31 - s % 31) % 31 + 1, 1);
END $$`;

// One chunk of records i = $5..$6. Ids come from PostgreSQL 18's uuidv7() (monotonic within a
// session), so id order is creation order as in the product. Names and USCCs are unique; names
// sort independently of id; 3 % are 个人 without a USCC (a NULL segment for the uscc sort).
const INSERT_SQL = `
INSERT INTO records (tenant_id, id, form_id, form_version_id, data, created_by, updated_by, created_at, updated_at)
SELECT $1::uuid, uuidv7(), $2::uuid, $3::uuid, d.data, ($4::uuid[])[1], ($4::uuid[])[1], now(), now()
FROM generate_series($5::bigint, $6::bigint) AS g(i)
CROSS JOIN LATERAL (SELECT (g.i * 2654435761) % 4294967296 AS h) AS x
CROSS JOIN LATERAL (SELECT
  CASE WHEN x.h % 100 < 80 THEN '企业' WHEN x.h % 100 < 87 THEN '个体工商户' WHEN x.h % 100 < 91 THEN '事业单位'
       WHEN x.h % 100 < 93 THEN '政府机关' WHEN x.h % 100 < 97 THEN '境外企业' ELSE '个人' END AS customer_type,
  CASE WHEN (x.h / 100) % 100 < 85 THEN '正常' WHEN (x.h / 100) % 100 < 93 THEN '预警' WHEN (x.h / 100) % 100 < 97 THEN '冻结' ELSE '黑名单' END AS credit_status
) AS t
CROSS JOIN LATERAL (SELECT jsonb_strip_nulls(jsonb_build_object(
  'customer_code', 'C9' || lpad(g.i::text, 8, '0'),
  'name', (ARRAY['北京','上海','广州','深圳','杭州','成都','武汉','南京','苏州','西安'])[1 + (x.h / 7) % 10]
          || substr(md5(g.i::text), 1, 8) || g.i::text || (ARRAY['有限公司','股份有限公司','贸易商行','科技有限公司'])[1 + (x.h / 11) % 4],
  'customer_type', t.customer_type,
  'country', 'CN',
  'uscc', CASE WHEN t.customer_type = '个人' THEN NULL ELSE pg_temp.bench_uscc($7::bigint + g.i) END,
  'industry', (ARRAY['制造业','批发和零售业','建筑业','信息技术服务业','交通运输和物流','医药卫生'])[1 + (x.h / 13) % 6],
  'established_on', to_char(date '1990-01-01' + ((x.h / 17) % 12000)::int, 'YYYY-MM-DD'),
  'registered_capital', ((x.h / 19) % 50000 + 10)::text,
  'legal_rep', (ARRAY['张伟','王芳','李娜','刘洋','陈静','杨磊'])[1 + (x.h / 23) % 6],
  'address', '北京市朝阳区建国路' || (1 + (x.h / 29) % 900)::text || '号',
  'postal_code', '100' || lpad(((x.h / 31) % 1000)::text, 3, '0'),
  'contact_name', (ARRAY['周敏','吴刚','郑丽','孙强','马超','朱琳'])[1 + (x.h / 37) % 6],
  'mobile', '138' || lpad(((x.h * 7) % 100000000)::text, 8, '0'),
  'email', 'c' || g.i::text || '@example.com.cn',
  'is_sme', (x.h / 41) % 2 = 0,
  'credit_limit', (((x.h / 43) % 100) * 10000)::text || '.00',
  'payment_term_days', (ARRAY[0,30,45,60,90])[1 + (x.h / 47) % 5],
  'term_basis', (ARRAY['开票日','发货日','验收日','月结'])[1 + (x.h / 53) % 4],
  'settlement', (ARRAY['现款','月结','账期','预付'])[1 + (x.h / 59) % 4],
  'credit_status', t.credit_status,
  'sales_owner', ($4::uuid[])[1 + (x.h / 61) % cardinality($4::uuid[])],
  'collector', CASE WHEN (x.h / 67) % 3 = 0 THEN ($4::uuid[])[1 + (x.h / 71) % cardinality($4::uuid[])] END
)) AS data) AS d`;

/** A pg client as credo_app with the tenant set for the session (RLS applies as in the API). */
export async function appClient(fixture) {
  const client = new pg.Client({ connectionString: fixture.appUrl, options: `-c app.tenant_id=${fixture.tenantId}` });
  await client.connect();
  return client;
}

/**
 * The exact SQL statements the API sends for one list request (page, and count when
 * `total`), built by the product's compiled repository with a recording stand-in for its `Sql`.
 * @param {string} repoRoot
 * @param {ListFixture} fixture
 * @param {{ filter?: unknown, sort?: string, cursor?: { segment: 0 | 1, value: string | null, id: string } | null, limit?: number }} request
 */
export async function productListSql(repoRoot, fixture, request) {
  await import('reflect-metadata');
  const dist = path.join(repoRoot, 'apps/api/dist/modules/records');
  const { parseRecordQuery } = await import(pathToFileURL(path.join(dist, 'record-query.js')).href);
  const { RecordsRepository } = await import(pathToFileURL(path.join(dist, 'records.repository.js')).href);
  const parsed = parseRecordQuery(fixture.fields, request.filter, request.sort, 4);
  if (!parsed.query) throw new Error(`the product rejects the list query: ${JSON.stringify(parsed.problems)}`);
  /** @type {Array<{ text: string, values: unknown[] }>} */
  const statements = [];
  const recorder = {
    rows: async (text, values = []) => (statements.push({ text, values }), []),
    prepared: async (text, values = []) => (statements.push({ text, values }), []),
    one: async (text, values = []) => (statements.push({ text, values }), undefined),
  };
  const repo = new RecordsRepository();
  // The API asks for limit + 1 rows to know whether there is a next page; for a caller with no
  // hidden field and no field selection it reads them raw, with the link fields beside `data`.
  const linkKeys = fixture.fields.filter((f) => f.type === 'user' || f.type === 'reference').map((f) => f.key);
  await repo.pageFiltered(recorder, fixture.formId, parsed.query, (request.limit ?? 50) + 1, request.cursor ?? null, null, false, undefined, undefined, linkKeys);
  const pages = statements.splice(0);
  await repo.count(recorder, fixture.formId, null, parsed.query);
  // With a sort field the page reads its segments in order (values then NULLs ascending, NULLs
  // then values descending) until it has limit + 1 rows; the recorder returns no rows, so every
  // segment's statement is here. `page` is the one over the values (the one that fills a page).
  const page = pages.find((s) => / IS NOT NULL/.test(s.text)) ?? pages[0];
  return { page, pages, count: statements[0] };
}

/**
 * EXPLAIN (FORMAT JSON[, ANALYZE]) of a statement as credo_app in a transaction that sets the
 * tenant like the API does. Returns the plan tree and the index names it scans.
 */
export async function explain(fixture, statement, { analyze = false } = {}) {
  const client = new pg.Client({ connectionString: fixture.appUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [fixture.tenantId]);
    const { rows } = await client.query(`EXPLAIN (FORMAT JSON${analyze ? ', ANALYZE, BUFFERS' : ''}) ${statement.text}`, statement.values);
    await client.query('ROLLBACK');
    const root = rows[0]['QUERY PLAN'][0];
    return { root, plan: root.Plan, indexes: [...indexNames(root.Plan)], summary: planSummary(root.Plan) };
  } finally {
    await client.end();
  }
}

function* walk(node) {
  yield node;
  for (const child of node.Plans ?? []) yield* walk(child);
}

function indexNames(plan) {
  const names = new Set();
  for (const node of walk(plan)) if (node['Index Name']) names.add(node['Index Name']);
  return names;
}

/** One line per node: "Limit > Index Scan rx_… > …" (subplans included), for reports. */
export function planSummary(plan) {
  const parts = [];
  for (const node of walk(plan)) {
    parts.push(`${node['Parent Relationship'] === 'SubPlan' || node['Parent Relationship'] === 'InitPlan' ? '(sub) ' : ''}${node['Node Type']}${node['Index Name'] ? ` ${node['Index Name']}` : ''}`);
  }
  return parts.join(' > ');
}

/** All plan nodes (for T14's estimate checks). */
export function planNodes(plan) {
  return [...walk(plan)];
}

/** The API's cursor format: base64url(JSON.stringify([segment, sortValueText | null, id])). */
export function encodeCursor(segment, value, id) {
  return Buffer.from(JSON.stringify([segment, value, id]), 'utf8').toString('base64url');
}

/** Query string of a list request. */
export function listPath({ filter, sort, cursor, total, limit = 50 }) {
  const q = new URLSearchParams({ limit: String(limit) });
  if (sort) q.set('sort', sort);
  if (filter !== undefined) q.set('filter', JSON.stringify(filter));
  if (cursor) q.set('cursor', cursor);
  if (total) q.set('total', 'true');
  return `/api/forms/customer/records?${q}`;
}
