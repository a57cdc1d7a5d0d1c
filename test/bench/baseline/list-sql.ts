/**
 * T7 baseline: hand-written list SQL through `pg`, no Nest, no TypeORM: a bare node:http server
 * whose GET /q/<name> runs one fixed, hand-written statement (the harness passes them) and answers
 * the same JSON as the product's list ({ items, next }, each item with the same keys and user
 * labels). It connects as the app role (credo_app) with the tenant set once per connection
 * (`-c app.tenant_id=…`), so row-level security applies as in the API but costs no extra round
 * trip: one statement per request, the floor for a list page.
 *
 * Configured through BASELINE_CONFIG (JSON, see BaselineConfig). Prints `BASELINE_LISTENING <port>`.
 */
import http from 'node:http';
import pg from 'pg';

interface BaselineConfig {
  /** credo_app URL of the product's database. */
  databaseUrl: string;
  tenantId: string;
  poolSize: number;
  /** name -> statement; each returns the page's rows (limit + 1) with a `sort_value` column. */
  queries: Record<string, { text: string; values: unknown[]; limit: number; segment: 0 | 1 }>;
  /** Fields holding user ids, labelled with display names like the API does. */
  userFields: string[];
  port?: number;
}

interface Row {
  id: string;
  rev: number;
  version_number: number;
  data: Record<string, unknown>;
  created_at: Date;
  created_by: string | null;
  updated_at: Date;
  updated_by: string | null;
  sort_value: string | null;
}

async function main(): Promise<void> {
  const raw = process.env.BASELINE_CONFIG;
  if (!raw) throw new Error('BASELINE_CONFIG is not set');
  const config = JSON.parse(raw) as BaselineConfig;
  if (!/^[0-9a-f-]{36}$/i.test(config.tenantId)) throw new Error('tenantId must be a uuid');
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolSize,
    application_name: 'bench-baseline-list',
    options: `-c app.tenant_id=${config.tenantId}`,
  });
  // User names once (the API caches them per tenant too).
  const names = new Map((await pool.query<{ id: string; display_name: string }>('SELECT id, display_name FROM users')).rows.map((u) => [u.id, u.display_name]));

  const server = http.createServer((req, res) => {
    const name = /^\/q\/([\w-]+)/.exec(req.url ?? '')?.[1];
    const query = name ? config.queries[name] : undefined;
    if (!query) {
      res.writeHead(404).end();
      return;
    }
    pool.query<Row>(query.text, query.values).then(
      ({ rows }) => {
        const page = rows.slice(0, query.limit);
        const items = page.map((r) => {
          const labels: Record<string, string> = {};
          for (const f of config.userFields) {
            const v = r.data[f];
            if (typeof v === 'string' && names.has(v)) labels[f] = names.get(v)!;
          }
          return {
            id: r.id,
            rev: r.rev,
            formVersion: r.version_number,
            data: r.data,
            createdAt: r.created_at.toISOString(),
            createdBy: r.created_by,
            updatedAt: r.updated_at.toISOString(),
            updatedBy: r.updated_by,
            labels,
          };
        });
        const last = page[page.length - 1];
        const next = rows.length > query.limit && last ? Buffer.from(JSON.stringify([query.segment, last.sort_value, last.id]), 'utf8').toString('base64url') : null;
        const body = JSON.stringify({ items, next });
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(error instanceof Error ? error.message : String(error));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(config.port ?? 0, '127.0.0.1', resolve));
  const address = server.address();
  process.stdout.write(`BASELINE_LISTENING ${typeof address === 'object' && address ? address.port : config.port}\n`);

  const stop = () => {
    server.close();
    void pool.end().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
