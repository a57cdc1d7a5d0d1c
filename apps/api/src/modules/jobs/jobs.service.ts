import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { RecordsService } from '../records/records.service.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { RulesService } from '../rules/rules.service.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';

export const NIGHTLY_RULES = 'rules-nightly';
export const DAILY_REMINDERS = 'reminders-daily';

/**
 * Background work on pg-boss, in the same PostgreSQL, so any number of API replicas share one
 * queue (DESIGN §4/§5). The nightly job re-evaluates every published rule set as of the new day:
 * days overdue, expiries and the alerts that hang on them move with the calendar.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private boss?: PgBoss;
  private owner?: pg.Pool;

  constructor(
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
    private readonly rules: RulesService,
    private readonly records: RecordsService,
    private readonly reminders: RemindersService,
    private readonly webhooks: WebhookDispatcher,
  ) {}

  get enabled(): boolean {
    return this.boss !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.jobs) return;
    // pg-boss keeps its own schema, so it runs on the owner connection; the work itself goes
    // through the services, as the app role under row-level security.
    const boss = new PgBoss({ connectionString: this.config.resolvedOwnerDatabaseUrl, schema: 'pgboss', max: 2 });
    boss.on('error', (error) => this.logger.error(`pg-boss: ${error.message}`));
    await boss.start();
    await boss.createQueue(NIGHTLY_RULES);
    await boss.schedule(NIGHTLY_RULES, '0 2 * * *', {}, { tz: this.config.timezone });
    await boss.work(NIGHTLY_RULES, async () => {
      await this.reevaluateAll();
    });
    await boss.createQueue(DAILY_REMINDERS);
    await boss.schedule(DAILY_REMINDERS, '0 8 * * *', {}, { tz: this.config.timezone });
    await boss.work(DAILY_REMINDERS, async () => {
      await this.remindAll();
    });
    this.boss = boss;
    await this.webhooks.start(boss);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.boss?.stop({ graceful: true, timeout: 10_000 }).catch(() => undefined);
    await this.owner?.end().catch(() => undefined);
  }

  /** Queues the nightly re-evaluation now (admins; also what the schedule does at 02:00). */
  async runNow(): Promise<string | null> {
    if (!this.boss) return null;
    return this.boss.send(NIGHTLY_RULES, {});
  }

  /** Queues today's collection run now (the demo company's first start: tasks and promise checks at once). */
  async queueRemindersNow(): Promise<string | null> {
    if (!this.boss) return null;
    return this.boss.send(DAILY_REMINDERS, {});
  }

  async state(jobId: string): Promise<string | null> {
    const job = await this.boss?.getJobById(NIGHTLY_RULES, jobId);
    return job?.state ?? null;
  }

  /** Every tenant's reminders of the day (after the nightly recompute has moved the stages). */
  async remindAll(): Promise<number> {
    this.owner ??= new pg.Pool({ connectionString: this.config.resolvedOwnerDatabaseUrl, max: 1 });
    const { rows } = await this.owner.query<{ id: string }>('SELECT id FROM tenants ORDER BY id');
    let emails = 0;
    for (const row of rows) {
      const auth = { userId: '00000000-0000-0000-0000-000000000000', tenantId: row.id, email: 'system', roles: ['admin'] };
      emails += (await this.reminders.runForTenant(auth)).emails;
    }
    return emails;
  }

  /** Every tenant's forms with a published rule set, re-evaluated one by one. */
  async reevaluateAll(): Promise<{ forms: number; records: number; recomputed: number }> {
    this.owner ??= new pg.Pool({ connectionString: this.config.resolvedOwnerDatabaseUrl, max: 1 });
    // Forms in install order, so a receivable's new bucket is in place before customer rules read it.
    const { rows } = await this.owner.query<{ tenant_id: string; key: string; rules: boolean }>(
      `SELECT tenant_id, key, rules_version_id IS NOT NULL AS rules FROM forms
       WHERE current_version_id IS NOT NULL AND archived_at IS NULL ORDER BY tenant_id, created_at, id`,
    );
    let records = 0;
    let recomputed = 0;
    for (const row of rows) {
      const auth = { userId: '00000000-0000-0000-0000-000000000000', tenantId: row.tenant_id, email: 'system', roles: ['admin'] };
      recomputed += (await this.records.recomputeTimeDependent(auth, row.key)).changed;
      if (row.rules) records += (await this.rules.reevaluateOrThrow(auth, row.key, 'zh-CN')).evaluated;
    }
    this.logger.log(`nightly: ${recomputed} records recomputed, ${records} rule results refreshed over ${rows.length} forms`);
    return { forms: rows.length, records, recomputed };
  }
}
