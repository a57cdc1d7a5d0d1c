// Valid, unique customer records (DOMAIN.md §6.1) for create benchmarks: names and USCCs are
// unique within a run, so the bodies stay valid once the form enforces those uniqueness rules.

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** GB 11714 organisation code (8 characters + check) for a number. */
function organisationCode(n) {
  const body = `B${String(n % 10_000_000).padStart(7, '0')}`;
  const sum = [...body].reduce((s, ch, i) => s + Number.parseInt(ch, 36) * ORG_WEIGHTS[i], 0);
  const c = 11 - (sum % 11);
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

/** A valid GB 32100 USCC (企业, Beijing) unique for n < 10^7. */
export function usccFor(n) {
  const first17 = `91110000${organisationCode(n)}`;
  const sum = [...first17].reduce((s, ch, i) => s + USCC_ALPHABET.indexOf(ch) * USCC_WEIGHTS[i], 0);
  return first17 + USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/** @param {string} code */
export function isValidUscc(code) {
  if (!/^[0-9A-HJ-NP-RTUWXY]{18}$/.test(code)) return false;
  const sum = [...code.slice(0, 17)].reduce((s, ch, i) => s + USCC_ALPHABET.indexOf(ch) * USCC_WEIGHTS[i], 0);
  return USCC_ALPHABET[(31 - (sum % 31)) % 31] === code[17];
}

/**
 * The customer record the benchmark posts, adapted to the published form: select values that
 * the form does not offer are replaced by its first open option, and keys the form does not have
 * are dropped. Returns `make(n)`, the record for the n-th request.
 * @param {{ fields?: Array<{ key: string, type: string, options?: Array<{ value: string, archived?: boolean }> }> } | undefined} definition
 * @param {string} userId  the signed-in user (sales_owner)
 */
export function customerFactory(definition, userId) {
  /** @type {Record<string, unknown>} */
  const template = {
    name: '',
    customer_type: '企业',
    country: 'CN',
    uscc: '',
    contact_name: '张三',
    mobile: '13800138000',
    sales_owner: userId,
  };
  const fields = new Map((definition?.fields ?? []).map((f) => [f.key, f]));
  if (fields.size) {
    for (const key of Object.keys(template)) {
      const field = fields.get(key);
      if (!field) {
        delete template[key];
        continue;
      }
      const open = (field.options ?? []).filter((o) => !o.archived).map((o) => o.value);
      if (open.length && !open.includes(/** @type {string} */ (template[key]))) template[key] = open[0];
    }
  }
  return (n) => {
    const data = { ...template };
    if ('name' in data) data.name = `基准客户${String(n).padStart(7, '0')}`;
    if ('uscc' in data) data.uscc = usccFor(n);
    return data;
  };
}
