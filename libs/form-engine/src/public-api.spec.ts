import { describe, expect, expectTypeOf, it } from 'vitest';
import * as engine from './index.js';
import type { CompiledForm, FieldError, FormDefinition, Locale, ValidationResult } from './index.js';

/* The API the API and web code against (issue 4, priority 1): keep these signatures stable. */
describe('public API', () => {
  it('exports the agreed functions and classes', () => {
    for (const name of [
      'validateFormDefinition',
      'FormDefinitionError',
      'compileFormOrThrow',
      'CompiledFormCache',
      'formatAutoNumber',
      'autoNumberPeriod',
      'usccCheckChar',
      'isValidUscc',
      'diffDefinitions',
      'archiveRemovedFields',
      'migrateRecord',
      'localize',
      'resolveLocale',
      'evaluateCondition',
      'warmUpFormEngine',
    ]) {
      expect(typeof (engine as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('keeps the agreed signatures', () => {
    expectTypeOf(engine.validateFormDefinition).parameters.toEqualTypeOf<[def: unknown, locale?: Locale]>();
    expectTypeOf(engine.validateFormDefinition).returns.toEqualTypeOf<ValidationResult>();
    expectTypeOf(engine.compileFormOrThrow).parameters.toEqualTypeOf<[def: FormDefinition]>();
    expectTypeOf(engine.compileFormOrThrow).returns.toEqualTypeOf<CompiledForm>();
    expectTypeOf(engine.formatAutoNumber).toEqualTypeOf<(pattern: string, seq: number, date: string) => string>();
    expectTypeOf(engine.autoNumberPeriod).toEqualTypeOf<(pattern: string, date: string) => string>();
    expectTypeOf(engine.usccCheckChar).toEqualTypeOf<(first17: string) => string>();
    expectTypeOf(engine.isValidUscc).toEqualTypeOf<(value: string) => boolean>();
    expectTypeOf<engine.FormDefinitionError['errors']>().toEqualTypeOf<FieldError[]>();
    expectTypeOf<FieldError>().toEqualTypeOf<{ path: string; keyword: string; params: Record<string, unknown>; message: string }>();
    expectTypeOf<CompiledForm['validateInput']>().toBeCallableWith({} as unknown, 'en' as Locale);
    expectTypeOf<CompiledForm['validateInput']>().returns.toEqualTypeOf<ValidationResult>();
    expectTypeOf<CompiledForm['complete']>().toEqualTypeOf<(data: Record<string, unknown>, ctx: { asOf: string }) => Record<string, unknown>>();
    expectTypeOf<CompiledForm['autoNumberFields']>().toEqualTypeOf<ReadonlyArray<{ key: string; pattern: string }>>();
    expectTypeOf<engine.CompiledFormCache['getOrCompile']>().toEqualTypeOf<(versionId: string, def: FormDefinition) => CompiledForm>();
  });
});
