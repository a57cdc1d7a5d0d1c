import { compileFormOrThrow } from '@credo/form-engine';
import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../templates.js';
import { generateDemoAssessments } from './demo-assessments.js';

const customers = Array.from({ length: 200 }, (_, i) => ({ id: `0190d6f0-0000-7000-8000-${String(i).padStart(12, '0')}`, data: {} }));

describe('generateDemoAssessments', () => {
  it('gives valid assessments for about 60 % of the customers, the same for the same seed', () => {
    const form = compileFormOrThrow(loadTemplate('credit_assessment'));
    const a = generateDemoAssessments({ seed: 7, customers, asOf: '2026-11-25' });
    expect(a.length).toBeGreaterThan(90);
    expect(a.length).toBeLessThan(150);
    for (const payload of a) {
      const result = form.validateInput(payload, 'zh-CN', { asOf: '2026-11-25' });
      expect(result.errors, JSON.stringify(payload)).toEqual([]);
    }
    expect(generateDemoAssessments({ seed: 7, customers, asOf: '2026-11-25' })).toEqual(a);
    expect(new Set(a.map((x) => x.public_record)).size).toBeGreaterThan(3);
  });
});
