import { Injectable } from '@nestjs/common';
import { Decimal } from '@credo/form-engine';
import { AppException } from '../../common/app.exception.js';
import { translate, type Locale } from '../../common/i18n.js';
import type { AuthContext } from '../../common/request-context.js';
import type { Sql } from '../../database/tenant-database.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { FormsService, type PublishedForm } from '../forms/forms.service.js';
import { RecordsRepository, type RecordRow } from '../records/records.repository.js';
import { RecordsService } from '../records/records.service.js';
import { RulesService } from '../rules/rules.service.js';
import { closeSettledTasks, TASK_TEXTS, writeServerChange, type TaskText } from './collection-tasks.js';

/** Who a stage's task goes to: the item's sales owner, its collector, or the tenant's credit manager. */
export type StageAssignee = 'system' | 'sales_owner' | 'collector' | 'credit_manager';

export interface CollectionStage {
  stage: string;
  /** Days relative to the receivable's due date (D−7 = -7). */
  offset: number;
  /** 'system' stages are the automatic e-mails: their task is done once the e-mail went out. */
  assignee: StageAssignee;
  instruction: { 'zh-CN': string; en: string };
  /**
   * Whether the customer is sent the dunning e-mail when an item reaches this stage (each stage
   * once per receivable). Unset: the automatic ('system') stages e-mail, the others do not.
   */
  email?: boolean;
}

/** DOMAIN §5.1 default stages; a tenant may replace them in settings.collection.stages. */
export const DEFAULT_COLLECTION_STAGES: CollectionStage[] = [
  { stage: 'S0', offset: -7, assignee: 'system', instruction: { 'zh-CN': '到期前提醒：发送对账单与付款提醒（邮件）', en: 'Pre-due reminder: statement and payment reminder (e-mail)' }, email: true },
  { stage: 'S1', offset: 0, assignee: 'system', instruction: { 'zh-CN': '到期提醒（邮件/短信）', en: 'Due-date reminder (e-mail / SMS)' }, email: true },
  { stage: 'S2', offset: 3, assignee: 'system', instruction: { 'zh-CN': '逾期提醒（邮件/短信，友好提示）', en: 'Friendly overdue reminder (e-mail / SMS)' }, email: true },
  { stage: 'S3', offset: 7, assignee: 'sales_owner', instruction: { 'zh-CN': '电话催收：联系客户，填写催收记录（原因与承诺）', en: 'Phone follow-up: call the customer and log a collection record (reason, promise)' }, email: false },
  { stage: 'S4', offset: 30, assignee: 'collector', instruction: { 'zh-CN': '正式催款函：邮件 + EMS 寄送并保留回执', en: 'Formal demand letter: e-mail + EMS, keep the receipt' }, email: true },
  { stage: 'S5', offset: 60, assignee: 'credit_manager', instruction: { 'zh-CN': '升级：经理电话/上门对账；信用冻结并复核评级', en: 'Escalation: manager call / visit; credit hold and rating review' }, email: false },
  { stage: 'S6', offset: 90, assignee: 'credit_manager', instruction: { 'zh-CN': '律师函 / 最终通知', en: "Lawyer's letter / final notice" }, email: true },
  { stage: 'S7', offset: 120, assignee: 'credit_manager', instruction: { 'zh-CN': '法律程序：支付令 / 诉讼 / 仲裁 / 外包催收', en: 'Legal action: payment order / litigation / arbitration / agency' }, email: false },
];

/**
 * Every text the collection run writes into tasks under these settings, in zh-CN as stored and
 * in English: each stage's instruction, an automatic stage's with the no-e-mail note, the notes.
 */
export function collectionTexts(settings: CollectionSettings): TaskText[] {
  const texts: TaskText[] = [];
  for (const stage of settings.stages) {
    texts.push({ 'zh-CN': stage.instruction['zh-CN'], en: stage.instruction.en });
    if (stage.assignee === 'system') {
      texts.push({ 'zh-CN': stage.instruction['zh-CN'] + TASK_TEXTS.noEmail['zh-CN'], en: stage.instruction.en + TASK_TEXTS.noEmail.en });
    }
  }
  texts.push(TASK_TEXTS.mailed, TASK_TEXTS.settled, TASK_TEXTS.deleted);
  return texts;
}

/** Days after the promised date before an unpaid promise counts as broken (DOMAIN §6.6 PTP_BROKEN). */
export const DEFAULT_PROMISE_GRACE_DAYS = 3;

export const PROMISE_OPEN = '待兑现';
export const PROMISE_KEPT = '已兑现';
export const PROMISE_BROKEN = '已违约';

export interface CollectionSettings {
  stages: CollectionStage[];
  promiseGraceDays: number;
}

/** Whether a stage sends the customer the dunning e-mail. */
export function sendsEmail(stage: CollectionStage): boolean {
  return stage.email ?? stage.assignee === 'system';
}

/** The e-mail's name for a stage: the instruction up to its first colon (到期前提醒, 正式催款函, …). */
export function stageTitle(stage: CollectionStage, locale: 'zh-CN' | 'en'): string {
  return stage.instruction[locale].split(/[：:（(]/)[0]!.trim();
}

/** The stage a receivable is in `days` after its due date (the last one whose offset has passed). */
export function collectionStageFor(stages: CollectionStage[], days: number): CollectionStage | undefined {
  let current: CollectionStage | undefined;
  for (const s of stages) if (days >= s.offset && (!current || s.offset >= current.offset)) current = s;
  return current;
}

/** An open receivable the collection run looks at. */
export interface CollectionItem {
  id: string;
  ar_no: string | null;
  customer_id: string;
  customer_name: string | null;
  email: string | null;
  outstanding: string;
  due_date: string;
  days: number;
  sales_owner: string | null;
  collector: string | null;
}

const SYSTEM_USER = '00000000-0000-0000-0000-000000000000';

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The collection workflow on the platform's forms (DOMAIN §5): tasks per stage in the
 * `collection_task` form, promises to pay on `collection_record` checked against payments.
 * Everything runs inside the caller's transaction with an explicit asOf.
 */
@Injectable()
export class CollectionService {
  constructor(
    private readonly forms: FormsService,
    private readonly records: RecordsRepository,
    private readonly recordsService: RecordsService,
    private readonly rules: RulesService,
    private readonly audit: AuditRepository,
  ) {}

  async settings(sql: Sql): Promise<CollectionSettings> {
    const row = await sql.one<{ settings: { collection?: Partial<CollectionSettings> } }>('SELECT settings FROM tenants WHERE id = credo_current_tenant()');
    const configured = row?.settings.collection;
    const stages = Array.isArray(configured?.stages) && configured.stages.every((s) => typeof s?.stage === 'string' && Number.isInteger(s.offset)) ? configured.stages : DEFAULT_COLLECTION_STAGES;
    const grace = Number.isInteger(configured?.promiseGraceDays) && configured!.promiseGraceDays! >= 0 ? configured!.promiseGraceDays! : DEFAULT_PROMISE_GRACE_DAYS;
    return { stages, promiseGraceDays: grace };
  }

  /**
   * Replaces the tenant's stage plan (and grace days). Stages must be distinct with offsets
   * rising in stage order: 400 naming the stage otherwise. Audited.
   */
  async saveSettings(sql: Sql, auth: AuthContext, input: { stages: CollectionStage[]; promiseGraceDays?: number }, locale: Locale = 'zh-CN'): Promise<CollectionSettings> {
    const errors: Array<{ path: string; keyword: string; message: string; params: Record<string, unknown> }> = [];
    const signed = (n: number) => (n < 0 ? `${n}` : `+${n}`);
    input.stages.forEach((s, i) => {
      const previous = input.stages[i - 1];
      if (input.stages.findIndex((x) => x.stage === s.stage) !== i) {
        errors.push({ path: `/stages/${i}/stage`, keyword: 'uniqueItems', params: { stage: s.stage }, message: translate('collection.stage_duplicate', locale, { stage: s.stage }) });
      } else if (previous && (s.stage <= previous.stage || s.offset <= previous.offset)) {
        const params = { stage: s.stage, offset: signed(s.offset), previous: previous.stage, previousOffset: signed(previous.offset) };
        errors.push({ path: `/stages/${i}/offset`, keyword: 'ascending', params, message: translate('collection.stage_order', locale, params) });
      }
    });
    if (errors.length) throw new AppException(400, 'http.validation_failed', {}, errors);
    const settings: CollectionSettings = { stages: input.stages, promiseGraceDays: input.promiseGraceDays ?? DEFAULT_PROMISE_GRACE_DAYS };
    await sql.rows(`UPDATE tenants SET settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{collection}', $1::jsonb) WHERE id = credo_current_tenant()`, [JSON.stringify(settings)]);
    await this.audit.append(sql, { actorId: auth.userId, action: 'settings.update', entity: 'tenant', details: { collection: settings }, requestId: auth.requestId });
    return settings;
  }

  private async form(sql: Sql, key: string): Promise<PublishedForm | null> {
    return this.forms.publishedOrThrow(sql, key).catch(() => null);
  }

  /**
   * Open, undisputed receivables from D−7 on, without an open promise to pay (a promise pauses
   * the automatic steps until its date, DOMAIN §5.1; one made for the whole customer, without a
   * receivable, pauses all of the customer's items).
   */
  async openItems(sql: Sql, asOf: string, fromOffset: number): Promise<CollectionItem[]> {
    return sql.rows<CollectionItem>(
      `SELECT r.id, r.data->>'ar_no' AS ar_no, c.id AS customer_id, c.data->>'name' AS customer_name, c.data->>'email' AS email,
              (r.data->>'outstanding') AS outstanding, r.data->>'due_date' AS due_date,
              ($1::date - credo_date(r.data->>'due_date'))::int AS days,
              coalesce(r.data->>'sales_owner', c.data->>'sales_owner') AS sales_owner,
              coalesce(r.data->>'collector', c.data->>'collector') AS collector
       FROM records_t r
       JOIN records_t c ON c.form_id = (SELECT cf.id FROM forms cf WHERE cf.key = 'customer') AND c.id = (r.data->>'customer')::uuid
       WHERE r.form_id = (SELECT rf.id FROM forms rf WHERE rf.key = 'receivable') AND r.deleted_at IS NULL AND (r.data->>'outstanding')::numeric > 0
         AND coalesce((r.data->>'disputed')::boolean, false) = false
         AND $1::date - credo_date(r.data->>'due_date') >= $2::int
         AND NOT EXISTS (
           SELECT 1 FROM records_t p
           WHERE p.form_id = (SELECT pf.id FROM forms pf WHERE pf.key = 'collection_record') AND p.deleted_at IS NULL AND p.data->>'result' = '承诺付款'
             AND (p.data->>'receivable' = r.id::text OR (p.data->>'receivable' IS NULL AND p.data->>'customer' = c.id::text))
             AND coalesce(p.data->>'promise_status', '${PROMISE_OPEN}') = '${PROMISE_OPEN}'
             AND credo_date(p.data->>'promised_date') >= $1::date)
       ORDER BY c.id, credo_date(r.data->>'due_date'), r.id`,
      [asOf, fromOffset],
    );
  }

  /**
   * One task per (receivable, stage) for the stage each open item has reached; automatic
   * (e-mail) stages are recorded as done when their e-mail went out (`mailed`), otherwise left
   * open for the sales owner. Re-running creates nothing new (unique task key).
   */
  async createTasks(sql: Sql, auth: AuthContext, asOf: string, items: CollectionItem[], settings: CollectionSettings, mailed: Set<string>): Promise<number> {
    const taskForm = await this.form(sql, 'collection_task');
    if (!taskForm || !items.length) return 0;
    const wanted = items
      .map((item) => ({ item, stage: collectionStageFor(settings.stages, item.days) }))
      .filter((x): x is { item: CollectionItem; stage: CollectionStage } => x.stage !== undefined)
      .map((x) => ({ ...x, key: `${x.item.id}:${x.stage.stage}` }));
    if (!wanted.length) return 0;
    const existing = new Set(
      (
        await sql.rows<{ key: string }>(
          `SELECT r.data->>'task_key' AS key FROM records_t r WHERE r.form_id = $1 AND r.data->>'task_key' = ANY($2::text[])`,
          [taskForm.id, wanted.map((w) => w.key)],
        )
      ).map((r) => r.key),
    );
    // Tasks go to active users only: an owner who has left hands over to the credit manager.
    const users = await sql.rows<{ id: string; manager: boolean }>(
      `SELECT id, 'credit_manager' = ANY(roles) AS manager FROM users WHERE tenant_id = credo_current_tenant() AND active ORDER BY created_at, id`,
    );
    const active = new Set(users.map((u) => u.id));
    const manager = users.find((u) => u.manager)?.id ?? null;
    const rows: Record<string, unknown>[] = [];
    for (const { item, stage, key } of wanted) {
      if (existing.has(key)) continue;
      const owner = item.sales_owner && active.has(item.sales_owner) ? item.sales_owner : manager;
      const auto = stage.assignee === 'system';
      const assignee = auto ? owner : stage.assignee === 'collector' ? (item.collector && active.has(item.collector) ? item.collector : owner) : stage.assignee === 'credit_manager' ? (manager ?? owner) : owner;
      if (!assignee) continue;
      const done = auto && mailed.has(`${item.id}/${stage.stage}`);
      rows.push({
        customer: item.customer_id,
        receivable: item.id,
        stage: stage.stage,
        instruction: auto && !done ? stage.instruction['zh-CN'] + TASK_TEXTS.noEmail['zh-CN'] : stage.instruction['zh-CN'],
        due_on: addDays(item.due_date, stage.offset),
        assignee,
        status: done ? 'done' : 'open',
        ...(done ? { closed_on: asOf, note: TASK_TEXTS.mailed['zh-CN'] } : {}),
        task_key: key,
      });
    }
    if (!rows.length) return 0;
    await this.recordsService.createManyOrThrow(sql, auth.tenantId, auth.userId === SYSTEM_USER ? null : auth.userId, 'collection_task', rows);
    return rows.length;
  }

  /** Open tasks of settled (paid or written off) receivables are done; of deleted ones, cancelled. */
  async closeSettledTasks(sql: Sql, auth: AuthContext, asOf: string, receivableIds?: string[]): Promise<number> {
    return closeSettledTasks(sql, this.forms, this.records, auth.userId, asOf, receivableIds);
  }

  /**
   * Promises to pay (result 承诺付款) still open: kept once payments received from the day of the
   * promise cover the promised amount (or the item is settled), broken once the promised date
   * plus the grace days has passed without that. Statuses are written as revisions; the
   * customers' rule results (PTP_BROKEN, classification) are refreshed.
   */
  async checkPromises(sql: Sql, auth: AuthContext, asOf: string, settings: CollectionSettings): Promise<{ open: number; kept: number; broken: number }> {
    const form = await this.form(sql, 'collection_record');
    const counts = { open: 0, kept: 0, broken: 0 };
    if (!form) return counts;
    const promises = await sql.rows<RecordRow & { paid: string; settled: boolean }>(
      `SELECT p.id, p.rev, p.form_version_id, p.data,
              coalesce((
                SELECT sum(CASE WHEN p.data->>'receivable' IS NULL THEN (pay.data->>'amount')::numeric
                                ELSE (SELECT coalesce(sum((a->>'amount')::numeric), 0) FROM jsonb_array_elements(coalesce(pay.data->'allocations', '[]'::jsonb)) a
                                      WHERE a->>'receivable' = p.data->>'receivable') END)
                FROM records_t pay
                WHERE pay.form_id = (SELECT pf.id FROM forms pf WHERE pf.key = 'payment') AND pay.deleted_at IS NULL AND pay.data->>'customer' = p.data->>'customer'
                  AND credo_date(pay.data->>'received_on') >= credo_date(substr(p.data->>'collected_at', 1, 10))
                  AND credo_date(pay.data->>'received_on') <= least($2::date, credo_date(p.data->>'promised_date') + $3::int)
              ), 0)::text AS paid,
              coalesce((SELECT (rv.deleted_at IS NULL AND (rv.data->>'outstanding')::numeric <= 0) FROM records_t rv WHERE rv.form_id = (SELECT rf.id FROM forms rf WHERE rf.key = 'receivable') AND rv.id = (p.data->>'receivable')::uuid), false) AS settled
       FROM records_t p
       WHERE p.form_id = $1 AND p.deleted_at IS NULL AND p.data->>'result' = '承诺付款' AND p.data ? 'promised_date'
         AND coalesce(p.data->>'promise_status', '${PROMISE_OPEN}') = '${PROMISE_OPEN}'
         AND credo_date(substr(p.data->>'collected_at', 1, 10)) <= $2::date`,
      [form.id, asOf, settings.promiseGraceDays],
    );
    const changed: Array<Record<string, unknown>> = [];
    for (const p of promises) {
      const promised = new Decimal(String(p.data.promised_amount ?? '0'));
      const paid = new Decimal(p.paid);
      const deadline = addDays(String(p.data.promised_date), settings.promiseGraceDays);
      const status = paid.gte(promised) || p.settled ? PROMISE_KEPT : asOf > deadline ? PROMISE_BROKEN : PROMISE_OPEN;
      counts[status === PROMISE_KEPT ? 'kept' : status === PROMISE_BROKEN ? 'broken' : 'open'] += 1;
      const patch = { promise_status: status, promise_paid: paid.toFixed(2), promise_checked_on: asOf };
      if (p.data.promise_status === status && p.data.promise_paid === patch.promise_paid) continue;
      const written = await this.update(sql, form, p, auth, asOf, patch);
      if (written && status !== PROMISE_OPEN) changed.push(written.data);
    }
    // Kept and broken promises move the customer's facts (broken_promises_90d, open_broken_promises).
    await this.rules.refreshCustomers(sql, changed.map((data) => data.customer).filter((v): v is string => typeof v === 'string'), 'zh-CN');
    return counts;
  }

  private update(sql: Sql, form: PublishedForm, row: Pick<RecordRow, 'id' | 'rev' | 'data'>, auth: AuthContext, asOf: string, patch: Record<string, unknown>) {
    return writeServerChange(sql, this.records, form, row, auth.userId, asOf, patch);
  }
}

