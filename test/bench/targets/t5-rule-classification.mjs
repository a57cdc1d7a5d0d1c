// T5 — Rule classification (PERFORMANCE.md §6.1), in-process on the built engine
// (libs/form-engine/dist, what the API runs).
// Rule set: the customer seed (seeds/rules/customer.rules.json): one firstMatch classification
// (高风险 / 优质 / 普通) and ten alerts, compiled with compileRuleSet(ruleSet, customer form).
// Candidate: compiled.evaluate(facts, { asOf, explain: false }) on ~100k generated facts objects
// (customer fields + server rollups, some rollups missing so defaults apply).
// Baseline: a hand-written predicate function for the same rule set (handWritten below), checked to
// agree with the compiled results on every record before anything is timed.
// Reference (details, no target): json-rules-engine via evaluateRuleSet on a smaller sample, checked
// to agree with the compiled path too.
// Interleaved rounds (B C / C B), medians of the per-record times. Target: compiled ≤ 20× hand-written.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { compileRuleSet, evaluateRuleSet } from '@credo/form-engine';
import { loadTemplate } from '@credo/seeds';
import { cpuSnapshot, foreignCpuShare, settleBeforeTiming } from '../lib/noise.mjs';
import { median, round } from '../lib/stats.mjs';

const AS_OF = '2026-11-25';

/** Facts objects, rounds (each a baseline and a candidate sample), json-rules-engine sample. */
const SIZES = {
  full: { records: 100_000, rounds: 11, reference: 5_000 },
  quick: { records: 100_000, rounds: 5, reference: 2_000 },
  smoke: { records: 2_000, rounds: 1, reference: 200 },
};

/** Deterministic PRNG (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (xs) => xs[int(0, xs.length - 1)];
  return { next, int, pick, chance: (p) => next() < p };
}

const RATINGS = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C'];
const PUBLIC_RECORDS = ['无不良', '无不良', '无不良', '一般诉讼', '被执行人', '经营异常名录', '失信被执行人'];

/**
 * One customer's facts as the record API hands them to the rules: the stored customer fields and
 * the rollups the server computes (customer-rollups.service.ts: decimal strings with 2 decimals,
 * utilisation with 1 or null without a limit, max_days_overdue an integer). Some customers have no
 * assessment (no rating, debt ratio, …) and no receivables (rollups absent: defaults apply).
 */
function generateFacts(count, seed) {
  const r = rng(seed);
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const limitYuan = r.pick([0, 0, 50_000, 100_000, 200_000, 500_000, 1_000_000, 3_000_000]);
    const f = {
      customer_code: `C${String(i).padStart(8, '0')}`,
      name: `客户${i}有限公司`,
      customer_type: r.pick(['企业', '企业', '企业', '企业', '个体工商户', '事业单位', '政府机关', '境外企业', '个人']),
      is_sme: r.chance(0.5),
      credit_limit: `${limitYuan}.00`,
      payment_term_days: r.pick([0, 30, 45, 60, 90, 120]),
      credit_status: r.pick(['正常', '正常', '正常', '预警', '冻结']),
      seller_is_sme: r.chance(0.3),
    };
    if (r.chance(0.85)) {
      f.rating = r.pick(RATINGS);
      f.debt_ratio = `${r.int(10, 95)}.${String(r.int(0, 99)).padStart(2, '0')}`;
      f.public_record = r.pick(PUBLIC_RECORDS);
      f.assessment_valid_until = `202${r.int(5, 7)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
      f.rating_notches_down = r.pick([0, 0, 0, 1, 2, 3]);
    }
    if (r.chance(0.8)) {
      const balance = r.int(0, Math.max(1, limitYuan * 1.4 || 400_000)) * 100 + r.int(0, 99);
      const overdue = r.chance(0.5) ? 0 : Math.floor(balance * r.next());
      f.ar_balance = (balance / 100).toFixed(2);
      f.overdue_amount = (overdue / 100).toFixed(2);
      f.max_days_overdue = overdue > 0 ? r.int(1, 200) : 0;
      f.exposure = ((balance + r.int(0, 5_000_000)) / 100).toFixed(2);
      f.utilisation = limitYuan > 0 ? ((balance / 100 / limitYuan) * 100).toFixed(1) : null;
      f.broken_promises_90d = r.pick([0, 0, 0, 1, 2]);
      f.open_broken_promises = r.pick([0, 0, 0, 0, 1]);
      f.ar_share_of_total = `${r.int(0, 15)}.${r.int(0, 9)}`;
    }
    out[i] = f;
  }
  return out;
}

const HIGH_RISK_RATINGS = new Set(['B', 'CCC', 'CC', 'C']);
const PREMIUM_RATINGS = new Set(['AAA', 'AA', 'A']);
const BAD_PUBLIC_RECORDS = new Set(['失信被执行人', '被执行人', '经营异常名录']);

/** A decimal string / number as a number; null when absent (rollup without default). */
const num = (v) => (v === undefined || v === null || v === '' ? null : Number(v));

/**
 * The customer seed rule set written by hand (DOMAIN §6.5 classification, first match wins, and the
 * §6.6 alerts in rule order), for the well-typed facts generateFacts makes: rollup defaults 0 for
 * ar_balance / overdue_amount / max_days_overdue / exposure / broken_promises_90d /
 * open_broken_promises / rating_notches_down, false for seller_is_sme. Amounts have 2 decimals, so
 * percentOf(overdue, balance) < 10 is compared exactly in cents: overdue × 10 < balance.
 */
function handWritten(f) {
  const mdo = f.max_days_overdue ?? 0;
  const debt = num(f.debt_ratio);
  const util = num(f.utilisation);
  const balanceCents = Math.round((num(f.ar_balance) ?? 0) * 100);
  const overdueCents = Math.round((num(f.overdue_amount) ?? 0) * 100);
  const rating = f.rating;

  let klass = '普通';
  if (HIGH_RISK_RATINGS.has(rating) || mdo > 90 || (debt !== null && debt > 80) || BAD_PUBLIC_RECORDS.has(f.public_record) || (util !== null && util > 120)) {
    klass = '高风险';
  } else if (
    PREMIUM_RATINGS.has(rating) &&
    mdo <= 15 &&
    ((balanceCents > 0 ? overdueCents * 10 < balanceCents : balanceCents < 0 && overdueCents * 10 > balanceCents) || balanceCents <= 0) &&
    (f.broken_promises_90d ?? 0) <= 0
  ) {
    klass = '优质';
  }

  const alerts = [];
  let creditStatus;
  if (mdo > 90) {
    alerts.push('OVERDUE_90');
    creditStatus = '冻结';
  }
  if (mdo > 60 && mdo <= 90) alerts.push('OVERDUE_60');
  const limit = num(f.credit_limit);
  if (limit !== null && limit > 0 && (num(f.exposure) ?? 0) > limit) alerts.push('OVER_LIMIT');
  if (util !== null && util >= 80 && util <= 100) alerts.push('NEAR_LIMIT');
  if (debt !== null && debt > 70) alerts.push('DEBT_RATIO_HIGH');
  if (f.assessment_valid_until !== undefined && f.assessment_valid_until < AS_OF) alerts.push('ASSESSMENT_EXPIRED');
  if ((f.rating_notches_down ?? 0) >= 2) alerts.push('RATING_DOWNGRADE');
  if ((f.open_broken_promises ?? 0) > 0) alerts.push('PTP_BROKEN');
  const share = num(f.ar_share_of_total);
  if (share !== null && share > 10) alerts.push('CONCENTRATION');
  const type = f.customer_type;
  if (f.seller_is_sme === true && f.payment_term_days > 60 && (type === '事业单位' || type === '政府机关' || (type === '企业' && f.is_sme !== true))) {
    alerts.push('SME_TERM_BREACH');
  }
  return { customer_class: klass, alerts, credit_status: creditStatus };
}

/** The comparable outcome of an engine result: class, alert codes in order, credit_status set by an alert. */
function outcomeOf(result) {
  return { customer_class: result.values.customer_class, alerts: result.alerts.map((a) => a.code), credit_status: result.values.credit_status };
}

function sameOutcome(a, b) {
  return a.customer_class === b.customer_class && a.credit_status === b.credit_status && a.alerts.length === b.alerts.length && a.alerts.every((x, i) => x === b.alerts[i]);
}

let sink = 0;

/** Nanoseconds per record of one pass over `items`. */
function sample(items, fn) {
  const start = performance.now();
  for (let i = 0; i < items.length; i++) sink += fn(items[i]);
  return ((performance.now() - start) * 1e6) / items.length;
}

/** @type {import('../lib/target.mjs').BenchTarget} */
export default {
  id: 'T5',
  name: 'Rule classification',
  async run(ctx) {
    const size = SIZES[ctx.mode.name] ?? SIZES.quick;
    const ruleSet = JSON.parse(await readFile(path.join(ctx.repoRoot, 'seeds/rules/customer.rules.json'), 'utf8'));
    const compiled = compileRuleSet(ruleSet, loadTemplate('customer'));
    const options = { asOf: AS_OF, explain: false };
    const facts = generateFacts(size.records, 5);

    // Agreement first: hand-written vs compiled on every record (and every rule exercised).
    const seen = { classes: new Map(), alerts: new Map() };
    for (let i = 0; i < facts.length; i++) {
      const c = outcomeOf(compiled.evaluate(facts[i], options));
      const h = handWritten(facts[i]);
      if (!sameOutcome(c, h)) {
        throw new Error(`T5: the hand-written predicates disagree with the compiled rule set on record ${i} ${JSON.stringify(facts[i])}: compiled ${JSON.stringify(c)}, hand-written ${JSON.stringify(h)}`);
      }
      seen.classes.set(c.customer_class, (seen.classes.get(c.customer_class) ?? 0) + 1);
      for (const a of c.alerts) seen.alerts.set(a, (seen.alerts.get(a) ?? 0) + 1);
    }
    const alertRules = ruleSet.rules.filter((r) => r.kind === 'alert').map((r) => r.code);
    if (ctx.mode.name !== 'smoke') {
      const unused = [...alertRules.filter((code) => !seen.alerts.has(code)), ...['高风险', '优质', '普通'].filter((k) => !seen.classes.has(k))];
      if (unused.length) throw new Error(`T5: the generated facts never trigger ${unused.join(', ')}; the comparison would skip rules`);
    }

    // json-rules-engine reference on a smaller sample: agrees with the compiled path, then timed.
    const refSample = facts.slice(0, size.reference);
    for (let i = 0; i < refSample.length; i++) {
      const ref = outcomeOf(await evaluateRuleSet(ruleSet, refSample[i], options));
      const c = outcomeOf(compiled.evaluate(refSample[i], options));
      if (!sameOutcome(ref, c)) throw new Error(`T5: compiled and json-rules-engine disagree on record ${i}: ${JSON.stringify(c)} vs ${JSON.stringify(ref)}`);
    }
    const refStart = performance.now();
    for (const f of refSample) sink += (await evaluateRuleSet(ruleSet, f, options)).alerts.length;
    const referenceNs = ((performance.now() - refStart) * 1e6) / refSample.length;

    const hand = (f) => handWritten(f).alerts.length + 1;
    const comp = (f) => compiled.evaluate(f, options).alerts.length + 1;
    // Warm-up: both loops reach optimised code before anything is recorded.
    for (let i = 0; i < 2; i++) {
      sample(facts, hand);
      sample(facts, comp);
    }
    const baseline = [];
    const candidate = [];
    // Earlier targets leave the product and PostgreSQL busy for a while (autovacuum after their loads).
    const quiet = await settleBeforeTiming(ctx, 'T5');
    const before = await cpuSnapshot();
    for (let r = 0; r < size.rounds; r++) {
      if (r % 2 === 0) {
        baseline.push(sample(facts, hand));
        candidate.push(sample(facts, comp));
      } else {
        candidate.push(sample(facts, comp));
        baseline.push(sample(facts, hand));
      }
    }
    const foreignCpu = foreignCpuShare(before, await cpuSnapshot());
    if (sink === 0) ctx.log('T5: sink is 0 (nothing evaluated?)');
    const handNs = median(baseline);
    const compiledNs = median(candidate);
    const perSecond = 1e9 / compiledNs;
    ctx.log(
      `T5: compiled ${compiledNs.toFixed(0)} ns vs hand-written ${handNs.toFixed(0)} ns per record (${(compiledNs / handNs).toFixed(1)}×); ` +
        `json-rules-engine ${(referenceNs / 1000).toFixed(1)} µs (${(referenceNs / compiledNs).toFixed(0)}× compiled, ${(referenceNs / handNs).toFixed(0)}× hand-written, ${refSample.length} records)`,
    );
    if (ctx.mode.name !== 'smoke' && perSecond < 300_000) {
      ctx.warn(`T5: compiled rules run ${(perSecond / 1000).toFixed(0)}k records/s, under the 300k records/s per core sanity floor`);
    }
    if (foreignCpu !== null && foreignCpu > 0.5) {
      ctx.warn(`T5: other processes used ${(foreignCpu * 100).toFixed(0)}% of the CPUs while timing; both sides share the core (interleaved), but the absolute figures are low`);
    }
    const rules = ruleSet.rules.length;
    return [
      ctx.ratioResult({
        id: 'T5',
        metric: 'time',
        name: `Customer rule set (${rules} rules: 1 classification + ${alertRules.length} alerts), compiled vs hand-written, per record`,
        unit: 'ns',
        baseline: handNs,
        candidate: compiledNs,
        target: 20,
        comparator: '<=',
        details: {
          records: facts.length,
          rounds: size.rounds,
          explain: false,
          compiledRecordsPerSecond: Math.round(perSecond),
          classes: Object.fromEntries(seen.classes),
          alerts: Object.fromEntries(seen.alerts),
          reference: {
            engine: 'json-rules-engine (evaluateRuleSet)',
            records: refSample.length,
            usPerRecord: round(referenceNs / 1000, 2),
            overCompiled: round(referenceNs / compiledNs, 1),
            overHandWritten: round(referenceNs / handNs, 0),
          },
          foreignCpu: foreignCpu === null ? null : round(foreignCpu),
          quietWait: { ms: quiet.waitedMs, share: quiet.share === null ? null : round(quiet.share), quiet: quiet.quiet },
          baselineSamplesNs: baseline.map((x) => round(x, 1)),
          candidateSamplesNs: candidate.map((x) => round(x, 1)),
        },
      }),
    ];
  },
};
