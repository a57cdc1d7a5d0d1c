/** The API's pattern for one rate (schemas/api/provision-rates.schema.json): 0–100, at most two decimals. */
const RATE = /^(?:100(?:\.0{1,2})?|[0-9]{1,2}(?:\.[0-9]{1,2})?)$/;

export type RateProblem = { kind: 'invalid' } | { kind: 'notAscending'; prev: string } | null;

/**
 * Checks the six bracket rates as typed: each a percent the API accepts, and none below the
 * bracket before it (older receivables are never provisioned at a lower rate).
 */
export function checkProvisionRates(rates: readonly string[]): RateProblem[] {
  return rates.map((raw, i) => {
    const value = raw.trim();
    if (!RATE.test(value)) return { kind: 'invalid' };
    const prev = i > 0 ? rates[i - 1]!.trim() : '';
    if (i > 0 && RATE.test(prev) && Number(value) < Number(prev)) return { kind: 'notAscending', prev };
    return null;
  });
}
