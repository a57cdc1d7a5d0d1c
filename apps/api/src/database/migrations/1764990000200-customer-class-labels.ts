import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The seeded 客户分类 values and their labels (seeds/rules/customer.rules.json). */
const PLAIN = ['优质', '普通', '高风险'];
const LABELLED = [
  { value: '优质', label: { 'zh-CN': '优质', en: 'Premium' } },
  { value: '普通', label: { 'zh-CN': '普通', en: 'Standard' } },
  { value: '高风险', label: { 'zh-CN': '高风险', en: 'High risk' } },
];

/**
 * Rule outputs may now label their values like select options ({ value, label }). Rule sets
 * installed from the seed before that keep `customer_class` options as plain strings, so an
 * English screen could only say 普通 (the classification's default has no case label). Where a
 * stored customer-risk document (published versions and drafts) still has exactly the seeded
 * plain options, they become the labelled ones. Only the document's wording changes: the values,
 * what rules evaluate to and the stored results stay as they are. A document someone changed is
 * left alone.
 */
function statements(from: unknown[], to: unknown[]): string {
  // Index of the customer_class output whose options are exactly `from` (NULL when there is none).
  const index = (column: string) => `(SELECT x.ord - 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${column} -> 'outputs') = 'array' THEN ${column} -> 'outputs' ELSE '[]' END)
      WITH ORDINALITY AS x(o, ord) WHERE x.o ->> 'key' = 'customer_class' AND x.o -> 'options' = '${JSON.stringify(from)}'::jsonb LIMIT 1)`;
  const update = (table: string, column: string) => `
    UPDATE ${table} SET ${column} = jsonb_set(${column}, ARRAY['outputs', ${index(column)}::text, 'options'], '${JSON.stringify(to)}'::jsonb)
    WHERE ${column} ->> 'key' = 'customer-risk' AND ${index(column)} IS NOT NULL;`;
  return update('rule_set_versions', 'document') + update('forms', 'rules_draft');
}

export class CustomerClassLabels1764990000200 implements MigrationInterface {
  name = 'CustomerClassLabels1764990000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(statements(PLAIN, LABELLED));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(statements(LABELLED, PLAIN));
  }
}
