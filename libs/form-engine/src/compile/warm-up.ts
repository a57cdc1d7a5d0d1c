import { getAjv } from '../ajv/ajv-instance.js';
import { validateFormDefinition } from '../schema/validate-definition.js';

/**
 * Creates the shared Ajv instance and compiles the meta-schema ahead of the first request
 * (the first compile in a process costs ~100 ms, later form compiles a few ms). Call at boot.
 */
export function warmUpFormEngine(): void {
  getAjv();
  validateFormDefinition({ key: 'warm_up', title: 'warm-up', fields: [{ key: 'a', type: 'text', label: 'a' }] });
}
