import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFormOrThrow, compileRuleSet, evaluateRuleSet, ruleSetSchema, validateRuleSet } from '@credo/form-engine';
import type { FormDefinition, RuleSet, RuleSetResult, ScoringOutcome } from '@credo/form-engine';
import { createRandom } from './demo/random.js';
import { loadRuleSetSeed, ruleSetSeeds } from './rule-sets.js';
import { loadTemplate } from './templates.js';

const CUSTOMER_ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const exampleForm = (file: string) => JSON.parse(readFileSync(new URL(`../../schemas/examples/${file}`, import.meta.url), 'utf8')) as FormDefinition;
const forms: Record<string, FormDefinition> = {
  customer: loadTemplate('customer'),
  credit_assessment: exampleForm('credit-assessment.form.json'),
  receivable: exampleForm('receivable.form.json'),
};

/** Evaluates on both paths and checks they agree; returns the reference result. */
async function both(rs: RuleSet, facts: Record<string, unknown>, asOf: string, locale: 'zh-CN' | 'en' = 'zh-CN'): Promise<RuleSetResult> {
  const ref = await evaluateRuleSet(rs, facts, { asOf, locale });
  expect(compileRuleSet(rs).evaluate(facts, { asOf, locale })).toEqual(ref);
  return ref;
}

describe('schemas/rule-set.schema.json', () => {
  it('equals the engine rule-set schema', () => {
    const file = new URL('../../schemas/rule-set.schema.json', import.meta.url);
    if (process.env.UPDATE_SCHEMAS === '1') writeFileSync(file, `${JSON.stringify(ruleSetSchema, null, 2)}\n`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(ruleSetSchema);
  });
});

describe('seed rule sets (DOMAIN §6.4–6.6)', () => {
  it.each(ruleSetSeeds)('successful-validation: $name rules against the $form form', ({ name, form }) => {
    const rs = loadRuleSetSeed(name);
    expect(rs.form).toBe(form);
    expect(validateRuleSet(rs, forms[form], 'en')).toEqual({ valid: true, errors: [] });
  });

  describe('credit-assessment scorecard and grade policy (§6.4)', () => {
    const rs = loadRuleSetSeed('credit-assessment');
    const form = compileFormOrThrow(forms.credit_assessment!);
    const asOf = '2026-11-25';
    // total assets 1000万, liabilities 350万 (35 %), current 500万/200万 (2.5), revenue 6000万, profit 480万 (8 %)
    const company = {
      customer: CUSTOMER_ID,
      assessed_on: asOf,
      total_assets: '10000000',
      total_liabilities: '3500000',
      current_assets: '5000000',
      current_liabilities: '2000000',
      revenue: '60000000',
      net_profit: '4800000',
      industry_risk: '中',
      public_record: '无不良',
    };
    const rollups = { weighted_days_late: '5', years_in_business: '12', company_annual_revenue: '500000000' };
    const facts = (over: Record<string, unknown> = {}) => ({ ...form.complete({ ...company, ...over }, { asOf }), ...rollups });
    const scoring = (r: RuleSetResult) => r.outcomes.find((o) => o.kind === 'scoring') as ScoringOutcome;

    it('successful-scoring: a sound company scores 82 and is graded AA with the AA policy', async () => {
      const r = await both(rs, facts(), asOf);
      const points = Object.fromEntries(scoring(r).factors.map((f) => [f.key, f.points]));
      // 付款表现 1–15 days late 22, 负债率 35 % 15, 流动比率 2.5 10, 净利率 8 % 7, 年限 12 10, 收入 6000万 7, 行业 中 6, 无不良 5
      expect(points).toEqual({ payment_behaviour: 22, debt_ratio: 15, current_ratio: 10, net_margin: 7, years_in_business: 10, size: 7, industry_risk: 6, public_record: 5 });
      expect(r.values).toEqual({
        score: 82,
        rating: 'AA',
        // lower of 15 % × net worth 650万 = 97.5万 and 2 × monthly sales 500万 = 1000万
        suggested_limit: '975000.00',
        suggested_term_days: 60,
        required_terms: '赊销（开放账期）',
        review_months: 12,
        valid_until: '2027-11-25',
      });
      expect(r.alerts).toEqual([]);
      expect(r.valid).toBe(true);
      expect(r.inputs).toMatchObject({ debt_ratio: '35.00', current_ratio: '2.50', net_margin: '8.00', weighted_days_late: '5', industry_risk_by_industry: '中' });
    });

    it('successful-scoring: 经营异常名录 caps the grade at B (77 would be A); B policy is 2 % of net worth, 7 days', async () => {
      const r = await both(rs, facts({ public_record: '经营异常名录' }), asOf);
      const s = scoring(r);
      expect([s.score, s.scoreGrade, s.grade]).toEqual([77, 'A', 'B']);
      expect(s.knockouts.find((k) => k.id === 'abnormal_operations')!.held).toBe(true);
      expect(r.values).toMatchObject({ rating: 'B', suggested_limit: '130000.00', suggested_term_days: 7, review_months: 3, valid_until: '2027-02-25' });
    });

    it('successful-scoring: 失信被执行人 is graded C with score 0, and the explanation names the knock-out', async () => {
      const r = await both(rs, facts({ public_record: '失信被执行人' }), asOf, 'en');
      const s = scoring(r);
      expect([s.rawScore, s.score, s.grade]).toEqual([77, 0, 'C']);
      const ko = s.knockouts.find((k) => k.held)!;
      expect(ko.id).toBe('dishonest_debtor');
      expect(ko.conditions).toEqual({ all: [{ fact: 'public_record', operator: 'equal', value: '失信被执行人', factResult: '失信被执行人', result: true }], result: true });
      expect(r.values).toMatchObject({ score: 0, rating: 'C', suggested_limit: '0.00', suggested_term_days: 0, required_terms: 'Cash before delivery / no trade' });
      expect(r.alerts.map((a) => [a.code, a.message])).toEqual([['GRADE_C', 'Rated C (score 0): cash before delivery or no trade']]);
      expect(r.ruleSet).toEqual({ key: 'credit-scorecard', form: 'credit_assessment', version: 1 });
    });

    it('successful-scoring: AAA limit is capped at 10 % of our revenue; no payment history scores 12', async () => {
      const big = { total_assets: '2000000000', total_liabilities: '400000000', current_assets: '900000000', current_liabilities: '300000000', revenue: '3000000000', net_profit: '450000000' };
      const r = await both(rs, { ...facts(big), weighted_days_late: undefined, company_annual_revenue: '800000000' }, asOf);
      const s = scoring(r);
      expect(s.factors.find((f) => f.key === 'payment_behaviour')).toMatchObject({ points: 12, band: 0 });
      // 12 + 15 + 10 + 10 + 10 + 10 + 6 + 5 = 78 -> A: lower of 10 % × 16亿 and 1.5 × 2.5亿, capped at 10 % × 8亿 = 8000万
      expect(r.values).toMatchObject({ score: 78, rating: 'A', suggested_limit: '80000000.00', suggested_term_days: 45 });
    });

    it('successful-scoring: industry risk falls back to the industry lookup; missing ratios score 0', async () => {
      const f = facts({ current_liabilities: '0', revenue: '0', net_profit: '0', industry_risk: undefined });
      const r = await both(rs, { ...f, customer_industry: '信息技术服务业' }, asOf);
      const points = Object.fromEntries(scoring(r).factors.map((x) => [x.key, x.points]));
      expect(points).toMatchObject({ current_ratio: 0, net_margin: 0, size: 1, industry_risk: 10 });
      expect(r.inputs.industry_risk_by_industry).toBe('低');
    });

    it('failing-validation: net profit above revenue blocks the save with a field error', async () => {
      const r = await both(rs, facts({ net_profit: '70000000' }), asOf, 'en');
      expect(r.valid).toBe(false);
      expect(r.errors).toEqual([{ path: '/net_profit', keyword: 'rule', params: { rule: 'net_profit_within_revenue' }, message: 'Net profit (70000000) cannot exceed revenue (60000000)' }]);
    });

    it('financial alerts: debt ratio > 70 %, current ratio < 1, loss-making', async () => {
      const r = await both(rs, facts({ total_liabilities: '7500000', current_liabilities: '6000000', net_profit: '-100000' }), asOf);
      expect(r.alerts.map((a) => a.code)).toEqual(['DEBT_RATIO_HIGH', 'CURRENT_RATIO_LOW', 'LOSS_MAKING']);
      expect(r.alerts[0]!.message).toBe('资产负债率75.00%超过70%，请复核额度');
      // Stored alerts carry the message in both languages, so readers see theirs.
      expect(r.alerts[0]!.messages).toEqual({ 'zh-CN': '资产负债率75.00%超过70%，请复核额度', en: 'Debt ratio 75.00% is above 70%: review the limit' });
    });
  });

  describe('customer classification (§6.5) and alerts (§6.6)', () => {
    const rs = loadRuleSetSeed('customer');
    const asOf = '2026-11-25';
    const base = { name: '上海某某贸易有限公司', customer_type: '企业', credit_limit: '1000000.00', payment_term_days: 30, credit_status: '正常' };
    const klass = async (facts: Record<string, unknown>) => (await both(rs, { ...base, ...facts }, asOf)).values.customer_class;

    it('first match wins: 高风险, then 优质, else 普通', async () => {
      expect(await klass({ rating: 'B' })).toBe('高风险');
      expect(await klass({ rating: 'AA', max_days_overdue: 95 })).toBe('高风险');
      expect(await klass({ rating: 'AAA', public_record: '经营异常名录' })).toBe('高风险');
      expect(await klass({ rating: 'A', utilisation: '120.01' })).toBe('高风险');
      expect(await klass({ rating: 'AA', max_days_overdue: 10, ar_balance: '100000', overdue_amount: '9999.99' })).toBe('优质');
      expect(await klass({ rating: 'AA', max_days_overdue: 10, ar_balance: '100000', overdue_amount: '10000' })).toBe('普通');
      expect(await klass({ rating: 'AA' })).toBe('优质'); // no receivables: rollup defaults (0)
      expect(await klass({ rating: 'AA', broken_promises_90d: 1 })).toBe('普通');
      expect(await klass({ rating: 'BBB' })).toBe('普通');
      expect(await klass({})).toBe('普通');
    });

    it('PTP_BROKEN: raised while a broken promise is open (the collection job marks it), not for one only counted in the 90 days', async () => {
      const open = await both(rs, { ...base, rating: 'AA', broken_promises_90d: 1, open_broken_promises: 1 }, asOf, 'en');
      expect(open.alerts.map((a) => a.code)).toEqual(['PTP_BROKEN']);
      expect(open.alerts[0]).toMatchObject({ severity: 'medium', message: '1 payment promise(s) broken' });
      expect(open.values.customer_class).toBe('普通');
      const settled = await both(rs, { ...base, rating: 'AA', broken_promises_90d: 1, open_broken_promises: 0 }, asOf);
      expect(settled.alerts.map((a) => a.code)).toEqual([]);
      expect(settled.values.customer_class).toBe('普通');
    });

    it('OVERDUE_90 freezes the customer and notifies; OVER_LIMIT compares exposure with the limit', async () => {
      const r = await both(rs, { ...base, rating: 'A', max_days_overdue: 91, exposure: '1000000.01', utilisation: '100.00' }, asOf, 'en');
      expect(r.alerts.map((a) => a.code)).toEqual(['OVERDUE_90', 'OVER_LIMIT', 'NEAR_LIMIT']);
      expect(r.values).toEqual({ customer_class: '高风险', credit_status: '冻结' });
      expect(r.alerts[0]!.actions).toContainEqual({ type: 'setField', field: 'credit_status', value: '冻结' });
      expect(r.alerts[1]!.message).toBe('Exposure 1000000.01 exceeds the credit limit 1000000.00: new credit orders need the credit controller');
      const overLimit = r.outcomes.find((o) => o.rule === 'over_limit')!;
      expect(overLimit).toMatchObject({ held: true, conditions: { all: [{ fact: 'credit_limit', result: true }, { fact: 'exposure', value: { fact: 'credit_limit' }, factResult: '1000000.01', valueResult: '1000000.00', result: true }] } });
    });

    it('time-dependent alerts use asOf, never a clock', async () => {
      const facts = { ...base, assessment_valid_until: '2026-11-24' };
      expect((await both(rs, facts, '2026-11-25')).alerts.map((a) => a.code)).toEqual(['ASSESSMENT_EXPIRED']);
      expect((await both(rs, facts, '2026-11-24')).alerts).toEqual([]);
    });

    it('SME payment rule: a large enterprise customer with a 90-day term', async () => {
      const r = await both(rs, { ...base, payment_term_days: 90, is_sme: false, seller_is_sme: true }, asOf);
      expect(r.alerts.map((a) => a.code)).toEqual(['SME_TERM_BREACH']);
    });
  });

  describe('receivable checks (§6.3, §6.6)', () => {
    const rs = loadRuleSetSeed('receivable');
    const form = compileFormOrThrow(forms.receivable!);
    const rec = (over: Record<string, unknown>, asOf: string) =>
      form.complete({ customer: CUSTOMER_ID, biz_date: '2026-11-01', invoice_date: '2026-11-01', amount: '150000.00', invoice_type: '无发票', ...over }, { asOf });

    it('failing-validation: a blacklisted customer blocks the save on /customer', async () => {
      const r = await both(rs, { ...rec({}, '2026-11-25'), customer_credit_status: '黑名单' }, '2026-11-25');
      expect(r.valid).toBe(false);
      expect(r.errors.map((e) => [e.path, e.message])).toEqual([['/customer', '客户已列入黑名单，不能保存应收单']]);
    });

    it('DUE_SOON_LARGE fires 0–7 days before the due date for ≥ ¥100,000 outstanding', async () => {
      // due 2026-12-01 (invoice date + 30)
      expect((await both(rs, rec({}, '2026-11-24'), '2026-11-24')).alerts.map((a) => a.code)).toEqual(['DUE_SOON_LARGE']);
      expect((await both(rs, rec({}, '2026-11-23'), '2026-11-23')).alerts).toEqual([]);
      expect((await both(rs, rec({}, '2026-12-02'), '2026-12-02')).alerts).toEqual([]);
      expect((await both(rs, rec({ received: '50000.01' }, '2026-11-24'), '2026-11-24')).alerts).toEqual([]);
    });

    it('LIMITATION_RISK after 30 months without evidence; cash-only customers need approval for credit', async () => {
      const old = rec({ biz_date: '2023-01-10', invoice_date: '2023-01-10' }, '2026-11-25');
      const r = await both(rs, { ...old, last_evidence_on: '2024-05-25', customer_credit_limit: '0' }, '2026-11-25');
      expect(r.alerts.map((a) => a.code)).toEqual(['NO_LIMIT_CREDIT_SALE', 'LIMITATION_RISK']);
      expect((await both(rs, { ...old, last_evidence_on: '2024-05-26' }, '2026-11-25')).alerts).toEqual([]);
    });
  });

  it('compiled and json-rules-engine results agree on 3 × 2,000 generated seed records', async () => {
    const r = createRandom(42);
    const gen: Record<string, () => Record<string, unknown>> = {
      'credit-assessment': () => ({
        total_assets: String(r.int(0, 5) ? r.int(1, 10 ** 8) : ''),
        total_liabilities: String(r.int(0, 10 ** 8)),
        debt_ratio: `${r.int(0, 120)}.${r.digits(2)}`,
        current_ratio: r.chance(0.8) ? `${r.int(0, 4)}.${r.digits(2)}` : undefined,
        net_margin: r.chance(0.8) ? `${r.int(-20, 30)}.${r.digits(2)}` : undefined,
        net_worth: String(r.int(-(10 ** 6), 10 ** 8)),
        revenue: r.chance(0.9) ? String(r.int(0, 2 * 10 ** 8)) : undefined,
        net_profit: String(r.int(-(10 ** 6), 10 ** 7)),
        industry_risk: r.chance(0.8) ? r.pick(['低', '中', '高']) : undefined,
        public_record: r.pick(['无不良', '一般诉讼', '被执行人', '经营异常名录', '失信被执行人']),
        assessed_on: '2026-11-25',
        weighted_days_late: r.chance(0.8) ? String(r.int(0, 90)) : undefined,
        years_in_business: `${r.int(0, 30)}.${r.digits(1)}`,
        customer_industry: r.pick(['制造业', '建筑业', '信息技术服务业', '教育']),
        company_annual_revenue: r.chance(0.5) ? '500000000' : undefined,
      }),
      customer: () => ({
        customer_type: r.pick(['企业', '个人', '事业单位', '政府机关']),
        is_sme: r.chance(0.5),
        credit_limit: r.pick(['0', '500000', '1000000.00']),
        payment_term_days: r.int(0, 120),
        rating: r.pick(['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'CCC', 'CC', 'C']),
        debt_ratio: `${r.int(0, 100)}`,
        public_record: r.pick(['无不良', '一般诉讼', '被执行人', '经营异常名录', '失信被执行人']),
        ar_balance: String(r.int(0, 10 ** 6)),
        overdue_amount: String(r.int(0, 10 ** 5)),
        max_days_overdue: r.int(0, 150),
        exposure: String(r.int(0, 2 * 10 ** 6)),
        utilisation: r.chance(0.8) ? `${r.int(0, 150)}.${r.digits(2)}` : undefined,
        broken_promises_90d: r.int(0, 2),
        assessment_valid_until: `2026-${String(r.int(1, 12)).padStart(2, '0')}-15`,
        rating_notches_down: r.int(0, 3),
        ar_share_of_total: String(r.int(0, 20)),
        seller_is_sme: r.chance(0.5),
      }),
      receivable: () => ({
        term_days: r.int(0, 120),
        outstanding: String(r.int(0, 300000)),
        due_date: `2026-${String(r.int(10, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
        customer_credit_status: r.pick(['正常', '预警', '冻结', '黑名单']),
        customer_credit_limit: r.pick(['0', '100000', undefined]),
        customer_type: r.pick(['企业', '事业单位']),
        customer_is_sme: r.chance(0.5),
        seller_is_sme: r.chance(0.5),
        last_evidence_on: r.chance(0.5) ? `202${r.int(3, 6)}-0${r.int(1, 9)}-15` : undefined,
      }),
    };
    let fired = 0;
    for (const { name } of ruleSetSeeds) {
      const rs = loadRuleSetSeed(name);
      const compiled = compileRuleSet(rs);
      for (let i = 0; i < 2000; i++) {
        const facts = gen[name]!();
        const ref = await evaluateRuleSet(rs, facts, { asOf: '2026-11-25' });
        const fast = compiled.evaluate(facts, { asOf: '2026-11-25' });
        if (JSON.stringify(fast) !== JSON.stringify(ref)) expect(fast).toEqual(ref);
        fired += ref.alerts.length;
      }
    }
    expect(fired).toBeGreaterThan(1000);
  }, 120_000);
});
