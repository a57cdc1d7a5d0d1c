import type { FormDefinition, Locale } from '@credo/form-engine';

/*
 * The parity harness, bundled for Chromium next to the engine and imported from source in Node:
 * the same loop runs in both, and only the engine it is handed differs. No imports at runtime, so
 * the browser bundle of this file carries none of the engine.
 */

export interface ParityEngine {
  compileFormOrThrow: typeof import('@credo/form-engine').compileFormOrThrow;
}

export interface ParityEntry {
  form: string;
  /** The payload as JSON text: "__proto__" keys survive only through JSON.parse. */
  json: string;
}

export interface ParityInput {
  forms: Record<string, FormDefinition>;
  entries: ParityEntry[];
  asOf: string;
  locales: Locale[];
}

export interface ParityOutput {
  /** One string per entry: every result for that payload, serialised with `stableJson`. */
  results: string[];
  valid: number;
  invalid: number;
  engineMs: number;
}

/** JSON that keeps what JSON.stringify would blur: undefined, NaN, ±Infinity and -0. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === undefined) return '\u0000undefined';
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) return `\u0000${Object.is(v, -0) ? '-0' : String(v)}`;
    return v;
  });
}

function attempt<T>(fn: () => T): T | { thrown: string } {
  try {
    return fn();
  } catch (e) {
    return { thrown: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

/**
 * For every payload and locale: validateInput with asOf; for payloads valid in the first locale,
 * complete() and validateRecord() of the completed record too.
 */
export function runCorpus(engine: ParityEngine, input: ParityInput): ParityOutput {
  const started = performance.now();
  const compiled = new Map(Object.entries(input.forms).map(([key, def]) => [key, engine.compileFormOrThrow(def)]));
  const options = { asOf: input.asOf };
  let valid = 0;
  let invalid = 0;
  const results = input.entries.map((entry) => {
    const form = compiled.get(entry.form);
    if (!form) throw new Error(`no form ${entry.form}`);
    const out: Record<string, unknown> = {};
    for (const locale of input.locales) {
      // A fresh parse per call: validation must not depend on (or change) an earlier call's object.
      out[`input:${locale}`] = attempt(() => form.validateInput(JSON.parse(entry.json), locale, options));
    }
    const first = out[`input:${input.locales[0]}`] as { valid?: boolean };
    if (first.valid === true) {
      valid++;
      const completed = attempt(() => form.complete(JSON.parse(entry.json) as Record<string, unknown>, options));
      out.complete = completed;
      if (!('thrown' in completed)) {
        for (const locale of input.locales) out[`record:${locale}`] = attempt(() => form.validateRecord(completed, locale, options));
      }
    } else invalid++;
    return stableJson(out);
  });
  return { results, valid, invalid, engineMs: performance.now() - started };
}
