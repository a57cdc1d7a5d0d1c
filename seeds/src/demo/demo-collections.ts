import type { DemoRecord } from './demo-util.js';
import { assertDate, diffDays, dueDate, fromCents, maxDate, minDate, plusDays, text, toCents } from './demo-util.js';
import { createRandom } from './random.js';
import type { Random } from './random.js';

export interface DemoCollectionOptions {
  seed: number;
  /** Installed receivables (id + data: the generated payload or the stored record). */
  receivables: DemoRecord[];
  /** Installed customers, for contact names and phones. */
  customers: DemoRecord[];
  count: number;
  asOf: string;
  /** Collectors for items whose receivable and customer name none. */
  collectorIds?: string[];
}

/** A receivable as the collection generator sees it. */
export interface ReceivableFacts {
  id: string;
  data: Record<string, unknown>;
  customer: string;
  basis: string;
  due: string;
  amount: number;
  received: number;
  writtenOff: number;
  /** Cents still open. */
  open: number;
}

/** The receivable template's arithmetic (defaults included) on a payload or stored record. */
export function receivableFacts(rec: DemoRecord): ReceivableFacts | undefined {
  const d = rec.data;
  const customer = text(d.customer);
  const biz = text(d.biz_date);
  if (!customer || !biz) return undefined;
  const basis = text(d.invoice_date) ?? biz;
  const termDays = typeof d.term_days === 'number' ? d.term_days : 30;
  const amount = toCents(d.amount);
  const received = toCents(d.received);
  const writtenOff = toCents(d.written_off);
  return {
    id: rec.id,
    data: d,
    customer,
    basis,
    due: dueDate(basis, text(d.term_basis) ?? '开票日', termDays),
    amount,
    received,
    writtenOff,
    open: amount - received - writtenOff,
  };
}

/** DOMAIN §5.1 stages by days relative to the due date. */
export function stageFor(daysAfterDue: number): string {
  if (daysAfterDue < 0) return 'S0';
  if (daysAfterDue === 0) return 'S1';
  if (daysAfterDue < 7) return 'S2';
  if (daysAfterDue < 30) return 'S3';
  if (daysAfterDue < 60) return 'S4';
  if (daysAfterDue < 90) return 'S5';
  if (daysAfterDue < 120) return 'S6';
  return 'S7';
}

/** Offsets (days after due) at which the default sequence acts. */
const OFFSETS = [-7, -3, 0, 3, 7, 14, 21, 30, 45, 60, 75, 90, 120, 180, 270, 365];

const METHODS: Record<string, Array<readonly [string, number]>> = {
  S0: [['短信', 40], ['邮件', 40], ['微信', 20]],
  S1: [['短信', 40], ['邮件', 40], ['微信', 20]],
  S2: [['短信', 30], ['邮件', 30], ['微信', 25], ['电话', 15]],
  S3: [['电话', 70], ['微信', 30]],
  S4: [['催款函', 60], ['邮件', 20], ['电话', 20]],
  S5: [['上门', 50], ['电话', 50]],
  S6: [['律师函', 80], ['电话', 20]],
  S7: [['诉讼', 60], ['律师函', 40]],
};

const FEEDBACK: Array<readonly [string, number]> = [
  ['资金紧张', 35], ['内部审批中', 20], ['发票未收到', 8], ['对账差异', 10], ['恶意拖欠', 5], ['联系不上', 7], ['其他', 15],
];

const RESULT_TEXT: Record<string, string> = {
  承诺付款: '对方承诺按期付款',
  部分付款: '对方已支付部分款项，余款另行安排',
  拒绝: '对方拒绝付款，需升级处理',
  无法联系: '未能联系到对方，稍后再跟进',
  提出争议: '对方对该笔款项提出争议',
  已付款: '对方表示款项已支付，待财务核对到账',
};

function collectedAt(r: Random, date: string): string {
  return `${date}T${String(r.int(9, 17)).padStart(2, '0')}:${String(r.int(0, 59)).padStart(2, '0')}:00+08:00`;
}

/**
 * Deterministic demo collection records (催收记录) for overdue and soon-due receivables: stage by
 * days past due, channel by stage, promises to pay (those dated before asOf on items still open are
 * broken), disputes mirrored from disputed receivables. Payloads for the collection_record template,
 * sorted by collected_at.
 */
export function generateDemoCollectionRecords(opts: DemoCollectionOptions): Record<string, unknown>[] {
  assertDate('asOf', opts.asOf);
  const r = createRandom(opts.seed);
  const customers = new Map(opts.customers.map((c) => [c.id, c.data]));
  const facts = opts.receivables.map(receivableFacts).filter((f): f is ReceivableFacts => f !== undefined);
  // Open items past due or due within a week, plus a few paid items chased before they were paid.
  const candidates = facts.flatMap((f) => {
    const late = diffDays(f.due, opts.asOf);
    if (f.open > 0 && late >= -7) return [[f, 4 + Math.min(6, Math.log10(f.open))] as const];
    if (f.open <= 0 && f.received > 0 && late > 0) return [[f, 0.5] as const];
    return [];
  });
  if (!candidates.length || opts.count <= 0) return [];
  const out: Record<string, unknown>[] = [];

  for (let n = 0; n < opts.count; n++) {
    const f = r.weighted(candidates);
    const d = f.data;
    const customer = customers.get(f.customer) ?? {};
    const late = diffDays(f.due, opts.asOf);
    const settled = f.open <= 0;
    const horizon = settled ? Math.min(late, 60) : late;
    const offsets = OFFSETS.filter((o) => o <= horizon);
    const offset = (offsets.length ? r.pick(offsets) : -7) + r.int(0, 2);
    const day = maxDate(f.basis, minDate(plusDays(f.due, offset), opts.asOf));
    const after = diffDays(f.due, day);
    const stage = stageFor(after);
    const method = r.weighted(METHODS[stage]!);

    const collector =
      text(d.collector) ?? text(customer.collector) ?? (opts.collectorIds?.length ? r.pick(opts.collectorIds) : undefined) ?? text(d.sales_owner);
    if (!collector) throw new RangeError(`no collector for receivable ${f.id}: pass collectorIds`);

    const rec: Record<string, unknown> = { customer: f.customer };
    if (r.chance(0.92)) rec.receivable = f.id;
    rec.collected_at = collectedAt(r, day);
    rec.stage = stage;
    rec.method = method;
    const contact = text(customer.contact_name);
    if (contact) rec.contact_name = contact;
    const phone = text(customer.mobile) ?? text(customer.phone);
    if (phone && (method === '电话' || method === '短信' || method === '上门')) rec.contact_phone = phone;
    rec.collector = collector;

    let result: string;
    if (settled) result = '已付款';
    else if (d.disputed === true) result = '提出争议';
    else if (stage === 'S0' || stage === 'S1' || stage === 'S2') result = r.weighted([['承诺付款', 40], ['无法联系', 45], ['拒绝', 5], ['部分付款', f.received > 0 ? 10 : 0]] as const);
    else result = r.weighted([['承诺付款', 50], ['无法联系', 15], ['拒绝', 12], ['部分付款', f.received > 0 ? 13 : 0], ['提出争议', 3]] as const);

    if (result === '提出争议') {
      rec.feedback = r.pick(['对账差异', '质量/服务争议']);
      rec.disputed = true;
      rec.disputed_amount = fromCents(Math.max(1, r.chance(0.6) ? f.open : Math.floor(f.open / 2)));
    } else if (result === '无法联系') rec.feedback = '联系不上';
    else if (result !== '已付款') rec.feedback = r.weighted(FEEDBACK);
    if (result === '承诺付款') {
      rec.promised_date = plusDays(day, r.int(3, 30));
      rec.promised_amount = fromCents(r.chance(0.65) ? f.open : Math.max(1, Math.floor(f.open / 200) * 100));
    }
    const contract = text(d.contract_no);
    rec.summary = `${method}催收${contract ? `合同${contract}项下` : ''}应收款，未收金额¥${fromCents(f.open)}（到期日${f.due}）；${RESULT_TEXT[result]}`;
    rec.result = result;
    if (!settled) rec.next_follow_up = plusDays(day, r.int(3, 14));
    if (method === '催款函' || method === '律师函' || method === '诉讼') rec.acknowledged = r.chance(0.6);
    out.push(rec);
  }
  return out.sort((a, b) => String(a.collected_at).localeCompare(String(b.collected_at)));
}
