import type { MigrationInterface, QueryRunner } from 'typeorm';
import { alertsFunction } from './1764990000000-webhook-alerts-by-form.js';

/**
 * Alerts carry their message in each language the rule gives it in (`messages`: zh-CN and en,
 * rendered with the record's figures when the rules ran; `message` stays the zh-CN text), so the
 * alerts list, dashboard, customer 360 and record view say them in the reader's language.
 *
 * Alerts stored before have one rendered text only. Where the rule of the stored rule-set version
 * has both texts, the stored text is matched against its template (placeholders as groups) and the
 * other language is rendered with the same figures: `messages` is added, `message` becomes the
 * zh-CN text (an English reader's request may have run the rules). A text that does not match its
 * rule's template (the rule changed wording since, more than 9 placeholders) is left as it is.
 * The alert.raised webhook payload gains `alert.messages` next to `alert.message`.
 */

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9_]{0,62})\}/g;

/** A template as an anchored PostgreSQL regular expression with one group per placeholder, and the keys in order. */
function pattern(template: string): { re: string; keys: string[] } {
  const keys: string[] = [];
  const parts = template.split(PLACEHOLDER);
  let re = '^';
  parts.forEach((part, i) => {
    if (i % 2 === 1) {
      keys.push(part);
      re += '(.*)';
    } else re += part.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
  });
  return { re: `${re}$`, keys };
}

/** The other language's template as a regexp_replace replacement (\n back-references), or null. */
function replacement(template: string, keys: string[]): string | null {
  const parts = template.split(PLACEHOLDER);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) out += parts[i]!.replace(/\\/g, '\\\\');
    else {
      const n = keys.indexOf(parts[i]!) + 1;
      if (n < 1 || n > 9) return null;
      out += `\\${n}`;
    }
  }
  return out;
}

interface AlertRule {
  id: string;
  zh: { re: string; keys: string[] };
  en: { re: string; keys: string[] };
  toEn: string;
  toZh: string;
}

function alertRules(document: unknown): AlertRule[] {
  const rules = (document as { rules?: unknown })?.rules;
  if (!Array.isArray(rules)) return [];
  const out: AlertRule[] = [];
  for (const rule of rules as Array<Record<string, unknown>>) {
    const message = rule?.message as Record<string, unknown> | undefined;
    if (rule?.kind !== 'alert' || typeof rule.id !== 'string' || typeof message !== 'object' || message === null) continue;
    const zhText = message['zh-CN'];
    const enText = message.en;
    if (typeof zhText !== 'string' || typeof enText !== 'string') continue;
    const zh = pattern(zhText);
    const en = pattern(enText);
    const toEn = replacement(enText, zh.keys);
    const toZh = replacement(zhText, en.keys);
    if (toEn === null || toZh === null || zh.keys.length > 9 || en.keys.length > 9) continue;
    out.push({ id: rule.id, zh, en, toEn, toZh });
  }
  return out;
}

// $1 rule id, $2 zh pattern, $3 en replacement, $4 en pattern, $5 zh replacement, $6 tenant, $7 version.
const FILL = `
  UPDATE record_rule_results x SET alerts = (
    SELECT jsonb_agg(
      CASE
        WHEN e.a ->> 'rule' IS DISTINCT FROM $1 OR e.a ? 'messages' OR jsonb_typeof(e.a -> 'message') <> 'string' THEN e.a
        WHEN (e.a ->> 'message') ~ $2 THEN e.a || jsonb_build_object('messages', jsonb_build_object('zh-CN', e.a ->> 'message', 'en', regexp_replace(e.a ->> 'message', $2, $3)))
        WHEN (e.a ->> 'message') ~ $4 THEN e.a || jsonb_build_object('message', regexp_replace(e.a ->> 'message', $4, $5),
                                                                      'messages', jsonb_build_object('zh-CN', regexp_replace(e.a ->> 'message', $4, $5), 'en', e.a ->> 'message'))
        ELSE e.a
      END ORDER BY e.ord)
    FROM jsonb_array_elements(x.alerts) WITH ORDINALITY AS e(a, ord))
  WHERE x.tenant_id = $6 AND x.rule_version_id = $7 AND jsonb_typeof(x.alerts) = 'array'
    AND x.alerts @> jsonb_build_array(jsonb_build_object('rule', $1::text))`;

export class AlertMessages1765000000000 implements MigrationInterface {
  name = 'AlertMessages1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(alertsFunction(true, true));
    const versions: Array<{ tenant_id: string; id: string; document: unknown }> = await q.query(
      `SELECT tenant_id, id, document FROM rule_set_versions WHERE document -> 'rules' @> '[{"kind": "alert"}]'`,
    );
    for (const v of versions) {
      for (const rule of alertRules(v.document)) {
        await q.query(FILL, [rule.id, rule.zh.re, rule.toEn, rule.en.re, rule.toZh, v.tenant_id, v.id]);
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(alertsFunction(true, false));
    await q.query(`
      UPDATE record_rule_results x SET alerts = (
        SELECT jsonb_agg(CASE WHEN jsonb_typeof(e.a) = 'object' THEN e.a - 'messages' ELSE e.a END ORDER BY e.ord)
        FROM jsonb_array_elements(x.alerts) WITH ORDINALITY AS e(a, ord))
      WHERE jsonb_typeof(x.alerts) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(x.alerts) a WHERE a ? 'messages')`);
  }
}
