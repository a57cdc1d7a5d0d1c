import { usccCheckChar } from '@credo/form-engine';

let counter = 0;

/** A valid, never-repeated 统一社会信用代码 (GB 32100 check character) for this test run. */
export function uniqueUscc(): string {
  counter += 1;
  const body = `91310000${String(process.pid % 1000).padStart(3, '0')}${String(counter).padStart(6, '0')}`;
  return body + usccCheckChar(body);
}

/** A unique company name. */
export function uniqueName(prefix = '测试'): string {
  counter += 1;
  return `${prefix}${process.pid}${counter}有限公司`;
}
