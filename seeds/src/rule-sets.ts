import { readFileSync } from 'node:fs';
import type { RuleSet } from '@credo/form-engine';

/** Seed rule sets (seeds/rules/<name>.rules.json): DOMAIN §6.4 scorecard, §6.5 classification, §6.6 alerts. */
export const ruleSetSeeds: ReadonlyArray<{ name: string; form: string }> = [
  { name: 'credit-assessment', form: 'credit_assessment' },
  { name: 'customer', form: 'customer' },
  { name: 'receivable', form: 'receivable' },
];

/** Reads a seed rule set (the URL is relative to this module: works from src/ and dist/). */
export function loadRuleSetSeed(name: string): RuleSet {
  if (!ruleSetSeeds.some((s) => s.name === name)) throw new RangeError(`Unknown rule-set seed '${name}'`);
  return JSON.parse(readFileSync(new URL(`../rules/${name}.rules.json`, import.meta.url), 'utf8')) as RuleSet;
}
