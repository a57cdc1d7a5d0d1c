import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { Clock } from '../../common/clock.js';
import type { Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { advisoryKey, TenantDatabase, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { CollectionService, collectionStageFor, collectionTexts, sendsEmail, stageTitle, type CollectionItem, type CollectionSettings, type CollectionStage } from './collection.service.js';

/**
 * The daily collection job (DOMAIN §5.1): dunning e-mails at the tenant's e-mail stages (by
 * default before the due date, on it, a friendly reminder after it, the formal 催款函 at D+30 and
 * the final notice at D+90) — one consolidated e-mail per customer per run, each stage sent once
 * per receivable — plus the collection tasks of each stage and the promise-to-pay check
 * (CollectionService). Disputed items are paused.
 */
/** E-mails sent at once (and pooled SMTP connections) in a run. */
const MAIL_CONCURRENCY = 5;

/** The SMTP URL with connection pooling, unless the URL itself says otherwise. */
function pooledUrl(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  if (!url.searchParams.has('pool')) url.searchParams.set('pool', 'true');
  if (!url.searchParams.has('maxConnections')) url.searchParams.set('maxConnections', String(MAIL_CONCURRENCY));
  return url.toString();
}

/** The e-mail stage an item is in `days` after its due date: the last e-mail stage whose offset has passed. */
export function emailStageFor(stages: CollectionStage[], days: number): CollectionStage | undefined {
  return collectionStageFor(stages.filter(sendsEmail), days);
}

export interface CollectionRun {
  asOf: string;
  emails: number;
  items: number;
  skippedNoEmail: number;
  /** Items whose e-mail was due while no SMTP_URL is configured: not sent, not recorded as sent. */
  skippedNoSmtp: number;
  tasks: { created: number; closed: number };
  promises: { open: number; kept: number; broken: number };
}

@Injectable()
export class RemindersService implements OnModuleDestroy {
  private readonly logger = new Logger(RemindersService.name);
  private transport?: Transporter;

  constructor(
    private readonly db: TenantDatabase,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly collection: CollectionService,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.smtpUrl);
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  /**
   * The daily collection run for one tenant, as of `asOf` (default: today in the business time
   * zone), in one transaction: promises to pay checked (kept / broken), tasks of settled items
   * closed, one task per receivable for the stage it has reached, and the dunning e-mails (one
   * per customer, each stage once per receivable). Disputed items and items with an open
   * promise are paused: no task, no e-mail.
   */
  async runForTenant(auth: AuthContext, asOfInput?: string): Promise<CollectionRun> {
    const asOf = asOfInput ?? this.clock.today(this.config.timezone);
    return this.db.run(auth.tenantId, async (sql) => {
      // One run per tenant at a time: a second one waits and then finds everything done.
      await sql.rows('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(auth.tenantId, 'collection-run').toString()]);
      const settings = await this.collection.settings(sql);
      const promises = await this.collection.checkPromises(sql, auth, asOf, settings);
      const closed = await this.collection.closeSettledTasks(sql, auth, asOf);
      const open = await this.collection.openItems(sql, asOf, Math.min(...settings.stages.map((s) => s.offset)));
      const stageOf = (item: CollectionItem) => emailStageFor(settings.stages, item.days);
      const due = await this.dueItems(sql, open, stageOf);
      const tenant = (await sql.one<{ name: string }>('SELECT name FROM tenants WHERE id = credo_current_tenant()'))?.name ?? '';
      const byCustomer = new Map<string, CollectionItem[]>();
      for (const item of due) byCustomer.set(item.customer_id, [...(byCustomer.get(item.customer_id) ?? []), item]);
      const outbox: Array<{ to: string; list: CollectionItem[] }> = [];
      let skippedNoEmail = 0;
      // Without SMTP nothing is sent, so nothing is recorded as sent: the e-mail stages' tasks stay
      // open for a person to handle, and a later run with SMTP configured still sends them.
      let skippedNoSmtp = 0;
      for (const [, list] of byCustomer) {
        const to = list[0]!.email;
        if (!to) skippedNoEmail += list.length;
        else if (!this.configured) skippedNoSmtp += list.length;
        else outbox.push({ to, list });
      }
      const mailed = new Set(
        (await sql.rows<{ key: string }>(`SELECT record_id || '/' || stage AS key FROM reminders_sent WHERE record_id = ANY($1::uuid[])`, [open.map((i) => i.id)])).map((r) => r.key),
      );
      for (const { list } of outbox) for (const i of list) mailed.add(`${i.id}/${stageOf(i)!.stage}`);
      const created = await this.collection.createTasks(sql, auth, asOf, open, settings, mailed);
      let emails = 0;
      let items = 0;
      // E-mails last, once everything else in the run has been written; a few at a time over pooled connections.
      for (let start = 0; start < outbox.length; start += MAIL_CONCURRENCY) {
        const batch = outbox.slice(start, start + MAIL_CONCURRENCY);
        await Promise.all(batch.map(({ to, list }) => this.send(to, tenant, list, stageOf)));
        await sql.rows(
          `INSERT INTO reminders_sent (tenant_id, record_id, stage, recipient)
           SELECT credo_current_tenant(), x.id, x.stage, x.recipient FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, stage text, recipient text)
           ON CONFLICT DO NOTHING`,
          [JSON.stringify(batch.flatMap(({ to, list }) => list.map((i) => ({ id: i.id, stage: stageOf(i)!.stage, recipient: to }))))],
        );
        emails += batch.length;
        items += batch.reduce((n, b) => n + b.list.length, 0);
      }
      const result = { asOf, emails, items, skippedNoEmail, skippedNoSmtp, tasks: { created, closed }, promises };
      await this.audit.append(sql, { actorId: auth.userId, action: 'reminders.run', entity: 'tenant', details: result, requestId: auth.requestId });
      return result;
    });
  }

  /** The tenant's collection stages and promise grace days (DOMAIN §5.1 defaults unless changed). */
  settings(auth: AuthContext): Promise<CollectionSettings> {
    return this.db.run(auth.tenantId, (sql) => this.collection.settings(sql));
  }

  /** What `collectionTexts` lists under the tenant's settings. */
  async texts(auth: AuthContext): Promise<{ texts: Array<{ 'zh-CN': string; en: string }> }> {
    return { texts: collectionTexts(await this.settings(auth)) };
  }

  saveSettings(auth: AuthContext, input: { stages: CollectionStage[]; promiseGraceDays?: number }, locale: Locale): Promise<CollectionSettings> {
    return this.db.run(auth.tenantId, (sql) => this.collection.saveSettings(sql, auth, input, locale));
  }

  /** Open items whose e-mail stage has not been sent yet. */
  private async dueItems(sql: Sql, rows: CollectionItem[], stageOf: (item: CollectionItem) => CollectionStage | undefined): Promise<CollectionItem[]> {
    const sent = await sql.rows<{ record_id: string; stage: string }>(
      'SELECT record_id, stage FROM reminders_sent WHERE record_id = ANY($1::uuid[])',
      [rows.map((r) => r.id)],
    );
    const done = new Set(sent.map((s) => `${s.record_id}/${s.stage}`));
    return rows.filter((r) => {
      const stage = stageOf(r);
      return stage !== undefined && !done.has(`${r.id}/${stage.stage}`);
    });
  }

  private async send(to: string, tenant: string, items: CollectionItem[], stageOf: (item: CollectionItem) => CollectionStage | undefined): Promise<void> {
    if (!this.config.smtpUrl) {
      this.logger.warn(`no SMTP_URL: reminder to ${to} not sent`);
      return;
    }
    // Pooled: a run's e-mails share a few SMTP connections instead of one handshake each.
    this.transport ??= nodemailer.createTransport(pooledUrl(this.config.smtpUrl));
    const name = items[0]!.customer_name ?? '';
    const total = items.reduce((sum, i) => sum + Math.round(Number(i.outstanding) * 100), 0);
    const lines = items.map((i) => {
      const stage = stageOf(i)!;
      const when = i.days < 0 ? `${-i.days} 天后到期` : i.days === 0 ? '今日到期' : `已逾期 ${i.days} 天`;
      return `  ${i.ar_no ?? i.id}  未收 ¥${i.outstanding}  到期日 ${i.due_date}  ${when}  [${stageTitle(stage, 'zh-CN')}]`;
    });
    await this.transport.sendMail({
      from: this.config.mailFrom,
      to,
      subject: `【${tenant}】应收账款提醒：${name}（${items.length} 笔，合计 ¥${(total / 100).toFixed(2)}）`,
      text: [`${name}：`, '', '以下应收款项请您关注并安排付款：', '', ...lines, '', `合计未收：¥${(total / 100).toFixed(2)}`, '', `${tenant} 财务部`].join('\n'),
    });
  }
}
