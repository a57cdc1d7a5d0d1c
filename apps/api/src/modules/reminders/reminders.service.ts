import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { Clock } from '../../common/clock.js';
import type { AuthContext } from '../../common/request-context.js';
import { RUNTIME_CONFIG, type RuntimeConfig } from '../../config/runtime-config.js';
import { TenantDatabase, type Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';

/**
 * Dunning reminders by e-mail (DOMAIN §5.1 default stages): before the due date, on it, a
 * friendly reminder after it, the formal 催款函 at D+30 and the final notice at D+90. One
 * consolidated e-mail per customer per run, each stage sent once per receivable, disputed
 * items paused. Phone and visit stages (S3, S5) are for people, not for this job.
 */
export const EMAIL_STAGES = [
  { stage: 'S0', from: -7, to: -1, 'zh-CN': '到期前提醒', en: 'Due soon' },
  { stage: 'S1', from: 0, to: 2, 'zh-CN': '到期提醒', en: 'Due today' },
  { stage: 'S2', from: 3, to: 29, 'zh-CN': '逾期提醒', en: 'Overdue' },
  { stage: 'S4', from: 30, to: 89, 'zh-CN': '正式催款函', en: 'Formal demand' },
  { stage: 'S6', from: 90, to: Number.MAX_SAFE_INTEGER, 'zh-CN': '最终通知', en: 'Final notice' },
] as const;

export function stageFor(daysPastDue: number): (typeof EMAIL_STAGES)[number] | undefined {
  return EMAIL_STAGES.find((s) => daysPastDue >= s.from && daysPastDue <= s.to);
}

interface DueItem {
  id: string;
  ar_no: string | null;
  customer_id: string;
  customer_name: string | null;
  email: string | null;
  outstanding: string;
  due_date: string;
  days: number;
}

@Injectable()
export class RemindersService implements OnModuleDestroy {
  private readonly logger = new Logger(RemindersService.name);
  private transport?: Transporter;

  constructor(
    private readonly db: TenantDatabase,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    @Inject(RUNTIME_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  get configured(): boolean {
    return Boolean(this.config.smtpUrl);
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }

  /** Sends the reminders due today for one tenant; returns what was sent and what was skipped. */
  async runForTenant(auth: AuthContext): Promise<{ asOf: string; emails: number; items: number; skippedNoEmail: number }> {
    const asOf = this.clock.today(this.config.timezone);
    return this.db.run(auth.tenantId, async (sql) => {
      const due = await this.dueItems(sql, asOf);
      const tenant = (await sql.one<{ name: string }>('SELECT name FROM tenants WHERE id = credo_current_tenant()'))?.name ?? '';
      const byCustomer = new Map<string, DueItem[]>();
      for (const item of due) byCustomer.set(item.customer_id, [...(byCustomer.get(item.customer_id) ?? []), item]);
      let emails = 0;
      let items = 0;
      let skippedNoEmail = 0;
      for (const [, list] of byCustomer) {
        const to = list[0]!.email;
        if (!to) {
          skippedNoEmail += list.length;
          continue;
        }
        await this.send(to, tenant, list);
        await sql.rows(
          `INSERT INTO reminders_sent (tenant_id, record_id, stage, recipient)
           SELECT credo_current_tenant(), x.id, x.stage, $2 FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, stage text)
           ON CONFLICT DO NOTHING`,
          [JSON.stringify(list.map((i) => ({ id: i.id, stage: stageFor(i.days)!.stage }))), to],
        );
        emails += 1;
        items += list.length;
      }
      await this.audit.append(sql, { actorId: auth.userId, action: 'reminders.run', entity: 'tenant', details: { asOf, emails, items, skippedNoEmail }, requestId: auth.requestId });
      return { asOf, emails, items, skippedNoEmail };
    });
  }

  /** Open, undisputed receivables whose current stage has not been sent yet. */
  private async dueItems(sql: Sql, asOf: string): Promise<DueItem[]> {
    const rows = await sql.rows<DueItem>(
      `SELECT r.id, r.data->>'ar_no' AS ar_no, c.id AS customer_id, c.data->>'name' AS customer_name, c.data->>'email' AS email,
              (r.data->>'outstanding') AS outstanding, r.data->>'due_date' AS due_date,
              ($1::date - credo_date(r.data->>'due_date'))::int AS days
       FROM records_t r JOIN forms f ON f.tenant_id = r.tenant_id AND f.id = r.form_id AND f.key = 'receivable'
       JOIN records_t c ON c.id = (r.data->>'customer')::uuid
       WHERE r.deleted_at IS NULL AND (r.data->>'outstanding')::numeric > 0
         AND coalesce((r.data->>'disputed')::boolean, false) = false
         AND $1::date - credo_date(r.data->>'due_date') >= -7
       ORDER BY c.id, credo_date(r.data->>'due_date')`,
      [asOf],
    );
    const sent = await sql.rows<{ record_id: string; stage: string }>(
      'SELECT record_id, stage FROM reminders_sent WHERE record_id = ANY($1::uuid[])',
      [rows.map((r) => r.id)],
    );
    const done = new Set(sent.map((s) => `${s.record_id}/${s.stage}`));
    return rows.filter((r) => {
      const stage = stageFor(r.days);
      return stage !== undefined && !done.has(`${r.id}/${stage.stage}`);
    });
  }

  private async send(to: string, tenant: string, items: DueItem[]): Promise<void> {
    if (!this.config.smtpUrl) {
      this.logger.warn(`no SMTP_URL: reminder to ${to} not sent`);
      return;
    }
    this.transport ??= nodemailer.createTransport(this.config.smtpUrl);
    const name = items[0]!.customer_name ?? '';
    const total = items.reduce((sum, i) => sum + Math.round(Number(i.outstanding) * 100), 0);
    const lines = items.map((i) => {
      const stage = stageFor(i.days)!;
      const when = i.days < 0 ? `${-i.days} 天后到期` : i.days === 0 ? '今日到期' : `已逾期 ${i.days} 天`;
      return `  ${i.ar_no ?? i.id}  未收 ¥${i.outstanding}  到期日 ${i.due_date}  ${when}  [${stage['zh-CN']}]`;
    });
    await this.transport.sendMail({
      from: this.config.mailFrom,
      to,
      subject: `【${tenant}】应收账款提醒：${name}（${items.length} 笔，合计 ¥${(total / 100).toFixed(2)}）`,
      text: [`${name}：`, '', '以下应收款项请您关注并安排付款：', '', ...lines, '', `合计未收：¥${(total / 100).toFixed(2)}`, '', `${tenant} 财务部`].join('\n'),
    });
  }
}
