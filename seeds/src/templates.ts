import { readFileSync } from 'node:fs';
import type { FormDefinition } from '@credo/form-engine';

/**
 * Keys of the form templates a tenant starts from (seeds/templates/<key>.form.json), in install
 * order: a template's reference fields only point at forms listed before it.
 */
export const templateKeys: string[] = ['customer', 'credit_assessment', 'receivable', 'payment', 'collection_record', 'credit_limit_request', 'collection_task'];

/**
 * Reads a template. The URL is relative to this module, and src/ and dist/ sit side by side
 * under seeds/, so the same path works from source (tests) and from the build.
 */
export function loadTemplate(key: string): FormDefinition {
  if (!templateKeys.includes(key)) throw new RangeError(`Unknown form template '${key}'`);
  const url = new URL(`../templates/${key}.form.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as FormDefinition;
}
