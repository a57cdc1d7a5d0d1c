export { loadTemplate, templateKeys } from './templates.js';
export { generateDemoCustomers } from './demo/demo-customers.js';
export type { DemoCustomerOptions } from './demo/demo-customers.js';
export { createRandom } from './demo/random.js';
export type { Random } from './demo/random.js';
export { generateValidationCorpus } from './demo/validation-corpus.js';
export type { CorpusEntry } from './demo/validation-corpus.js';
