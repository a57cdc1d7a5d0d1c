import type { ErrorObject } from 'ajv/dist/types/index.js';
import { hasMessage, renderMessage } from '../i18n/messages.js';
import type { FieldError, Locale } from '../types.js';
import { usccProblem } from '../validators/uscc.js';
import { appendPointer, valueAt } from './json-pointer.js';

/** At most this many errors are reported for one document. */
export const MAX_ERRORS = 100;

/** Names the thing at a JSON Pointer in the requested locale (a field label, "row 2 amount", …). */
export type LabelResolver = (path: string, locale: Locale) => string;

/** Builds one FieldError, rendering its message from the catalog. */
export function fieldError(
  path: string,
  keyword: string,
  params: Record<string, unknown>,
  labelFor: LabelResolver,
  locale: Locale,
  messageId: string = keyword,
): FieldError {
  const label = labelFor(path, locale);
  return { path, keyword, params, message: renderMessage(hasMessage(messageId) ? messageId : 'default', locale, { ...params, label }) };
}

function expectedType(params: Record<string, unknown>, locale: Locale): string {
  const types = Array.isArray(params.type) ? params.type : [params.type];
  return types
    .map((t) => renderMessage(t === 'object' ? 'type.objectName' : `type.${String(t)}`, locale, {}))
    .join(locale === 'en' ? ' or ' : '或');
}

/**
 * Turns ajv errors into FieldErrors: paths point at the offending field (a missing required
 * field's own path, not its parent), `if` bookkeeping is dropped, branch noise under an
 * anyOf is folded into the anyOf error, and messages name the field in the requested locale.
 */
export function normalizeAjvErrors(
  errors: readonly ErrorObject[] | null | undefined,
  data: unknown,
  labelFor: LabelResolver,
  locale: Locale,
): FieldError[] {
  if (!errors?.length) return [];
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // A hostile payload (say 100,000 unknown keys) must not turn into an equally large answer.
    if (out.length >= MAX_ERRORS) break;
    if (e.keyword === 'if') continue;
    if (anyOfPaths.some((p) => e.schemaPath.startsWith(p))) continue;
    const params = { ...(e.params as Record<string, unknown>) };
    let path = e.instancePath;
    let keyword = e.keyword;
    let messageId = keyword;
    switch (e.keyword) {
      case 'required':
        path = appendPointer(path, String(params.missingProperty));
        break;
      case 'additionalProperties':
        path = appendPointer(path, String(params.additionalProperty));
        params.property = params.additionalProperty;
        break;
      case 'false schema':
        keyword = 'notVisible';
        messageId = 'notVisible';
        break;
      case 'type':
        params.expected = expectedType(params, locale);
        break;
      case 'format': {
        const format = String(params.format);
        if (format === 'uscc' || format === 'uscc-or-legacy') {
          const v = valueAt(data, path);
          const reason = typeof v === 'string' ? (usccProblem(v) ?? 'structure') : 'structure';
          params.reason = reason;
          messageId = `format.uscc.${reason}`;
        } else if (format === 'decimal') {
          messageId = `decimal.${String(params.reason ?? 'format')}`;
        } else {
          messageId = hasMessage(`format.${format}`) ? `format.${format}` : 'format';
        }
        break;
      }
      case 'compare': {
        const parent = path.slice(0, path.lastIndexOf('/'));
        params.otherLabel = labelFor(`${parent}/${String(params.other)}`, locale);
        messageId = `compare.${String(params.op)}`;
        break;
      }
      case 'anyOf':
      case 'oneOf':
        messageId = 'default';
        break;
      default:
        break;
    }
    const id = `${path}\u0000${keyword}\u0000${messageId}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(fieldError(path, keyword, params, labelFor, locale, messageId));
  }
  return out;
}
