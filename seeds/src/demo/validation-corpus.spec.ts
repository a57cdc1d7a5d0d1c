import { describe, expect, it } from 'vitest';
import { compileFormOrThrow } from '@credo/form-engine';
import { loadTemplate } from '../templates.js';
import { generateValidationCorpus } from './validation-corpus.js';

describe('generateValidationCorpus (parity test input)', () => {
  const opts = { seed: 11, count: 1200, asOf: '2026-11-25' };
  const corpus = generateValidationCorpus(opts);
  const form = compileFormOrThrow(loadTemplate('customer'));

  it('is deterministic and has the requested size', () => {
    expect(corpus).toHaveLength(1200);
    expect(generateValidationCorpus(opts)).toEqual(corpus);
  });

  it('mixes valid and invalid payloads, including the DOMAIN USCC examples and prototype keys', () => {
    const results = corpus.map((c) => form.validateInput(JSON.parse(c.json), 'zh-CN', { asOf: opts.asOf }));
    const valid = results.filter((r) => r.valid).length;
    expect(valid).toBeGreaterThan(250);
    expect(corpus.length - valid).toBeGreaterThan(500);
    const messages = results.flatMap((r) => r.errors.map((e) => e.message));
    expect(messages).toContain('统一社会信用代码校验位错误');
    expect(results.flatMap((r) => r.errors.map((e) => e.keyword))).toContain('forbiddenKey');
  });
});
