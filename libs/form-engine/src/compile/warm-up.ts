import { getAjv, getFastAjv } from '../ajv/ajv-instance.js';
import { validateFormDefinition } from '../schema/validate-definition.js';
import { compileFormOrThrow, releaseCompiledForm } from './compile-form.js';

/**
 * Creates the shared Ajv instances (full and fail-fast) and compiles the meta-schema and a one-field
 * form ahead of the first request (the first compile in a process costs ~100 ms, later form
 * compiles a few ms). Call at boot.
 */
export function warmUpFormEngine(): void {
  getAjv();
  getFastAjv();
  const definition = { key: 'warm_up', title: 'warm-up', fields: [{ key: 'a', type: 'text' as const, label: 'a' }] };
  validateFormDefinition(definition);
  const form = compileFormOrThrow(definition);
  form.validateInput({ a: 'x' });
  form.validateInput({ a: 1 });
  releaseCompiledForm(form);
}
