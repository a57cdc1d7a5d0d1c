import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { getPriority } from 'node:os';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDatabaseIfMissing } from '../../apps/api/src/database/database-bootstrap.js';
import { cpuGroupOf, limitCpu, maintenanceQuota, PERIOD_US } from '../../apps/api/src/database/cpu-quota.js';
import { MAINTENANCE_BUSY_CPU_SHARE, MAINTENANCE_NICE, runAtLowPriority } from '../../apps/api/src/database/low-priority.js';

/**
 * Index builds run at a lower CPU priority, and without parallel workers and under a CPU quota while users are at work
 * (FieldIndexService): the backend is reniced while the work runs and set back afterwards. On the
 * run's embedded cluster, a process of this host.
 */
describe('maintenance work at a lower CPU priority', () => {
  let client: pg.Client;
  let pid: number;

  beforeAll(async () => {
    const url = new URL(inject('pgServerUrl'));
    const database = `t_${randomBytes(6).toString('hex')}`;
    await createDatabaseIfMissing(url.toString(), database);
    url.pathname = `/${database}`;
    client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    pid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await client.query('CREATE TABLE big AS SELECT g AS n, md5(g::text) AS label FROM generate_series(1, 100000) g');
    await client.query('ANALYZE big');
  });

  afterAll(async () => {
    await client?.end();
  });

  it('lowers the backend while the work runs, then sets it back', async () => {
    const before = getPriority(pid);
    let during: number | undefined;
    const run = await runAtLowPriority(client, async () => {
      during = getPriority(pid);
      await client.query('CREATE INDEX CONCURRENTLY big_label ON big (label)');
      return 'built';
    });
    expect(run).toMatchObject({ result: 'built', lowered: true, restored: true });
    expect(during).toBe(Math.max(before, MAINTENANCE_NICE));
    expect(getPriority(pid)).toBe(before);
    const { rows } = await client.query<{ valid: boolean }>(`SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'big_label'::regclass`);
    expect(rows[0]!.valid).toBe(true);
  });

  it("on an idle database keeps the session's parallel workers; while another role's session works, uses none; then puts the setting back", async () => {
    const workers = () => client.query<{ w: string }>(`SELECT current_setting('max_parallel_maintenance_workers') AS w`).then((r) => r.rows[0]!.w);
    await client.query('SET max_parallel_maintenance_workers = 3');
    // Nobody else in this database (the superuser's own other sessions would not count either).
    const idle = await runAtLowPriority(client, workers);
    expect(idle).toMatchObject({ result: '3', limited: false });
    expect(await workers()).toBe('3');

    // A user at work: another role's statement running in this database.
    const role = `u_${randomBytes(4).toString('hex')}`;
    await client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'x'`);
    const url = new URL(inject('pgServerUrl'));
    Object.assign(url, { username: role, password: 'x', pathname: `/${client.database}` });
    const user = new pg.Client({ connectionString: url.toString() });
    await user.connect();
    try {
      const working = user.query('SELECT pg_sleep(2)');
      await expect
        .poll(async () => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND state = 'active'`, [role])).rows[0]!.n)
        .toBe(1);
      const home = await cpuGroupOf(pid);
      const run = await runAtLowPriority(client, async () => ({ workers: await workers(), group: await cpuGroupOf(pid), quota: await maintenanceQuota() }));
      expect(run).toMatchObject({ result: { workers: '0' }, lowered: true, restored: true });
      expect(await workers()).toBe('3');
      // Users at work: also under the CPU quota, where this process may write the cpu cgroup (as
      // root here). Whether it may is probed on a process of its own.
      const child = spawn('sleep', ['30'], { stdio: 'ignore' });
      const probe = await limitCpu(child.pid!, MAINTENANCE_BUSY_CPU_SHARE);
      await probe?.restore();
      child.kill();
      const canLimit = probe !== null;
      expect(run.limited).toBe(canLimit);
      if (canLimit) {
        expect(run.result.group).toBe('/credo-maintenance');
        expect(run.result.quota).toEqual([Math.round(PERIOD_US * MAINTENANCE_BUSY_CPU_SHARE), PERIOD_US]);
      }
      expect(await cpuGroupOf(pid)).toBe(home);
      // Also when the work fails.
      await expect(runAtLowPriority(client, () => client.query('SELECT no_such_column FROM big'))).rejects.toThrow(/no_such_column/);
      expect(await cpuGroupOf(pid)).toBe(home);
      await working;
    } finally {
      await user.end();
      await client.query(`DROP ROLE ${role}`);
    }
  });

  it('sets the backend back when the work fails', async () => {
    const before = getPriority(pid);
    await expect(runAtLowPriority(client, () => client.query('CREATE INDEX CONCURRENTLY big_label ON big (no_such_column)'))).rejects.toThrow(/no_such_column/);
    expect(getPriority(pid)).toBe(before);
  });

  it('leaves a server it cannot identify as a local process alone and just runs the work', async () => {
    // A role that may not read data_directory cannot tell where its server runs.
    const role = `r_${randomBytes(4).toString('hex')}`;
    await client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'x'`);
    const url = new URL(inject('pgServerUrl'));
    url.username = role;
    url.password = 'x';
    url.pathname = `/${client.database}`;
    const plain = new pg.Client({ connectionString: url.toString() });
    await plain.connect();
    try {
      const run = await runAtLowPriority(plain, async () => (await plain.query('SELECT 1 AS one')).rows[0].one);
      expect(run).toEqual({ result: 1, lowered: false, limited: false, restored: true });
    } finally {
      await plain.end();
      await client.query(`DROP ROLE ${role}`);
    }
  });
});
