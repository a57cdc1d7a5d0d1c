import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The seeded receivable's text formulas and the labels of what they yield (seeds/templates/receivable.form.json). */
const LABELS: Record<string, Array<[string, string]>> = {
  overdue_bucket: [['未到期', 'Current'], ['1-30', '1–30 days'], ['31-60', '31–60 days'], ['61-90', '61–90 days'], ['90+', '90+ days']],
  aging_bucket: [['1年以内', 'Within 1 year'], ['1-2年', '1–2 years'], ['2-3年', '2–3 years'], ['3-4年', '3–4 years'], ['4-5年', '4–5 years'], ['5年以上', 'Over 5 years']],
  status: [['已核销', 'Written off'], ['已结清', 'Settled'], ['争议中', 'In dispute'], ['逾期', 'Overdue'], ['部分回款', 'Partly paid'], ['未到期', 'Not yet due']],
};

type Field = Record<string, unknown> & { key?: unknown; fields?: unknown };

/**
 * Text formulas may name their results like a select's options ({ value, label }): the receivable
 * template's 逾期账龄段 / 账龄段 / 状态 now do (已结清 = Settled, 1年以内 = Within 1 year …), so
 * English screens say them in English; the stored values stay the Chinese ones. Receivable forms
 * installed before get the options in their published versions (definition and ui) and draft,
 * for those fields that are still text formulas without options, and only for the results their
 * formula still yields (a formula someone changed gets the labels of the results it kept).
 * Down removes exactly those options.
 */
function labelled(field: Field, up: boolean): boolean {
  const labels = typeof field.key === 'string' ? LABELS[field.key] : undefined;
  if (!labels || field.type !== 'formula' || field.resultType !== 'text' || typeof field.formula !== 'string') return false;
  const formula = field.formula;
  const options = labels.filter(([value]) => formula.includes(`"${value}"`)).map(([value, en]) => ({ value, label: { 'zh-CN': value, en } }));
  if (up) {
    if (field.options !== undefined || !options.length) return false;
    field.options = options;
    return true;
  }
  // jsonb keeps no key order: compare what the options say.
  const said = (list: unknown) =>
    Array.isArray(list) ? JSON.stringify(list.map((o: { value?: unknown; label?: Record<string, unknown> }) => [o?.value, o?.label?.['zh-CN'], o?.label?.en, Object.keys(o ?? {}).length, Object.keys(o?.label ?? {}).length])) : null;
  if (said(field.options) !== said(options)) return false;
  delete field.options;
  return true;
}

function walk(fields: unknown, up: boolean): boolean {
  if (!Array.isArray(fields)) return false;
  let changed = false;
  for (const f of fields as Field[]) if (f && typeof f === 'object' && labelled(f, up)) changed = true;
  return changed;
}

function uiChanged(ui: unknown, up: boolean): boolean {
  const sections = (ui as { sections?: unknown })?.sections;
  if (!Array.isArray(sections)) return false;
  let changed = false;
  for (const s of sections as Array<{ fields?: unknown }>) if (walk(s?.fields, up)) changed = true;
  return changed;
}

async function run(q: QueryRunner, up: boolean): Promise<void> {
  const versions: Array<{ tenant_id: string; id: string; definition: { fields?: unknown }; ui: unknown }> = await q.query(
    `SELECT v.tenant_id, v.id, v.definition, v.ui FROM form_versions v JOIN forms f ON f.tenant_id = v.tenant_id AND f.id = v.form_id WHERE f.key = 'receivable'`,
  );
  for (const v of versions) {
    const def = walk(v.definition?.fields, up);
    const ui = uiChanged(v.ui, up);
    if (def || ui) await q.query('UPDATE form_versions SET definition = $3, ui = $4 WHERE tenant_id = $1 AND id = $2', [v.tenant_id, v.id, JSON.stringify(v.definition), JSON.stringify(v.ui)]);
  }
  const drafts: Array<{ tenant_id: string; id: string; draft: { fields?: unknown } }> = await q.query(`SELECT tenant_id, id, draft FROM forms WHERE key = 'receivable' AND draft IS NOT NULL`);
  for (const d of drafts) if (walk(d.draft?.fields, up)) await q.query('UPDATE forms SET draft = $3 WHERE tenant_id = $1 AND id = $2', [d.tenant_id, d.id, JSON.stringify(d.draft)]);
}

export class ReceivableResultLabels1765000000100 implements MigrationInterface {
  name = 'ReceivableResultLabels1765000000100';

  async up(q: QueryRunner): Promise<void> {
    await run(q, true);
  }

  async down(q: QueryRunner): Promise<void> {
    await run(q, false);
  }
}
