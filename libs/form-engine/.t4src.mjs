import { compileFormOrThrow, getAjv } from '@credo/form-engine';
import { loadTemplate } from '@credo/seeds';
const form = compileFormOrThrow(loadTemplate('customer'));
const v = getAjv().compile(form.schema);
console.log(v.toString());
