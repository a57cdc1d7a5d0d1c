import { compileFormOrThrow, getAjv } from '@credo/form-engine';
import { loadTemplate } from '@credo/seeds';
const form = compileFormOrThrow(loadTemplate('customer'));
console.log(form.fastInput.toString());
