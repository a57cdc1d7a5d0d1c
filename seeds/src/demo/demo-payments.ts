import { receivableFacts } from './demo-collections.js';
import type { ReceivableFacts } from './demo-collections.js';
import type { DemoRecord } from './demo-util.js';
import { assertDate, fromCents, maxDate, minDate, plusDays, text } from './demo-util.js';
import { createRandom } from './random.js';

export interface DemoPaymentOptions {
  seed: number;
  /** Installed receivables (id + data); every one with `received` > 0 is paid by these payments. */
  receivables: DemoRecord[];
  asOf: string;
  /** Installed customers, for the payer name. */
  customers?: DemoRecord[];
}

/**
 * Deterministic demo payments (回款) that explain every receivable's `received`: for each receivable
 * the allocations across all payments sum exactly to its received amount. Payments bundle up to three
 * receivables of one customer, a partly paid receivable may be paid in two instalments, and about 3 %
 * of payments carry an unallocated surplus (on account). Payloads for the payment template, sorted by
 * received_on (never after asOf).
 */
export function generateDemoPayments(opts: DemoPaymentOptions): Record<string, unknown>[] {
  assertDate('asOf', opts.asOf);
  const r = createRandom(opts.seed);
  const names = new Map((opts.customers ?? []).map((c) => [c.id, text(c.data.name)]));
  const byCustomer = new Map<string, ReceivableFacts[]>();
  for (const f of opts.receivables.map(receivableFacts)) {
    if (!f || f.received <= 0) continue;
    const list = byCustomer.get(f.customer) ?? [];
    list.push(f);
    byCustomer.set(f.customer, list);
  }
  const out: Record<string, unknown>[] = [];

  for (const [customer, items] of byCustomer) {
    items.sort((a, b) => a.basis.localeCompare(b.basis) || a.id.localeCompare(b.id)); // 先发生先收回
    // Instalments: [receivable, cents, paid on]
    const slices: Array<{ f: ReceivableFacts; cents: number; on: string }> = [];
    for (const f of items) {
      const paidOn = (offset: number) => minDate(opts.asOf, maxDate(f.basis, plusDays(f.due, offset)));
      if (f.received > 1 && f.received < f.amount && r.chance(0.3)) {
        const first = Math.max(1, Math.floor(f.received / 200) * 100);
        slices.push({ f, cents: first, on: paidOn(r.int(-10, 20)) });
        slices.push({ f, cents: f.received - first, on: paidOn(r.int(21, 60)) });
      } else slices.push({ f, cents: f.received, on: paidOn(r.int(-15, 45)) });
    }
    slices.sort((a, b) => a.on.localeCompare(b.on));
    for (let i = 0; i < slices.length; ) {
      const take = Math.min(slices.length - i, r.weighted([[1, 70], [2, 20], [3, 10]] as const));
      const group = slices.slice(i, i + take);
      i += take;
      const receivedOn = group.reduce((d, s) => maxDate(d, s.on), group[0]!.on);
      const allocated = group.reduce((s, g) => s + g.cents, 0);
      const surplus = r.chance(0.03) ? r.int(1, 500) * 100 : 0;
      const method = r.weighted([['银行转账', 80], ['承兑汇票', 12], ['现金', 3], ['其他', 5]] as const);
      const rec: Record<string, unknown> = {
        customer,
        received_on: receivedOn,
        amount: fromCents(allocated + surplus),
        method,
      };
      if (method === '银行转账') rec.bank_ref = `${receivedOn.replace(/-/g, '')}${r.digits(12)}`;
      else if (method === '承兑汇票') rec.bank_ref = `5${r.digits(29)}`;
      const payer = names.get(customer);
      if (payer) rec.payer_name = payer;
      const perReceivable = new Map<string, number>();
      for (const g of group) perReceivable.set(g.f.id, (perReceivable.get(g.f.id) ?? 0) + g.cents);
      rec.allocations = [...perReceivable].map(([receivable, cents]) => ({ receivable, amount: fromCents(cents) }));
      if (surplus) rec.remark = '多付款项，挂账待下次冲抵';
      out.push(rec);
    }
  }
  return out.sort((a, b) => String(a.received_on).localeCompare(String(b.received_on)));
}
