import { getAjv } from '../ajv/ajv-instance.js';
import { checkCondition } from '../conditions/condition.js';
import { COMMON_PROPS } from '../field-types/field-type.js';
import { fieldTypeRegistry } from '../field-types/registry.js';
import { buildFormulaPlan } from '../formulas/plan.js';
import type { FormulaPlan } from '../formulas/plan.js';
import { localize } from '../i18n/localize.js';
import { hasMessage, renderMessage } from '../i18n/messages.js';
import type { FieldDefinition, FieldError, FormDefinition, Locale, ValidationResult } from '../types.js';
import { parsePointer } from '../validation/json-pointer.js';
import { fieldError, normalizeAjvErrors } from '../validation/normalize-errors.js';
import type { LabelResolver } from '../validation/normalize-errors.js';
import { comparableKind } from './build-record-schema.js';
import { formDefinitionMetaSchema } from './form-definition.meta-schema.js';

export interface DefinitionProblem {
  path: string;
  keyword: string;
  params: Record<string, unknown>;
}

let metaValidator: ReturnType<ReturnType<typeof getAjv>['compile']> | undefined;

function metaValidate(def: unknown) {
  metaValidator ??= getAjv().compile(formDefinitionMetaSchema);
  const ok = metaValidator(def);
  return ok ? null : (metaValidator.errors ?? []);
}

/** Describes a place in a definition for messages: 字段“客户名称”的 maxLength. */
export function definitionLabelResolver(def: unknown): LabelResolver {
  return (path, locale) => {
    const tokens = parsePointer(path);
    let fields: unknown = (def as { fields?: unknown } | null)?.fields;
    let name = '';
    let i = 0;
    while (tokens[i] === 'fields' && Array.isArray(fields) && tokens[i + 1] !== undefined) {
      const f = fields[Number(tokens[i + 1])] as { key?: unknown; label?: unknown; fields?: unknown } | undefined;
      if (!f || typeof f !== 'object') break;
      const label =
        typeof f.label === 'string' || (f.label && typeof f.label === 'object' && typeof (f.label as Record<string, unknown>)['zh-CN'] === 'string')
          ? localize(f.label as never, locale)
          : typeof f.key === 'string'
            ? f.key
            : `#${Number(tokens[i + 1]) + 1}`;
      name = name ? `${name} / ${label}` : label;
      fields = f.fields;
      i += 2;
    }
    if (!name && tokens.length === 1 && hasMessage(`label.${tokens[0]}`)) return renderMessage(`label.${tokens[0]}`, locale, {});
    const rest = tokens.slice(i).join('.');
    if (!name) return rest || (locale === 'en' ? 'form definition' : '表单定义');
    const field = locale === 'en' ? `field "${name}"` : `字段“${name}”`;
    return rest ? (locale === 'en' ? `${field} ${rest}` : `${field}的 ${rest}`) : field;
  };
}

function checkField(
  f: FieldDefinition,
  path: string,
  siblings: ReadonlyMap<string, FieldDefinition>,
  nested: boolean,
  out: DefinitionProblem[],
): void {
  const ft = fieldTypeRegistry[f.type];
  const allowed = new Set<string>([...COMMON_PROPS, ...ft.props]);
  for (const prop of Object.keys(f)) {
    if (!allowed.has(prop)) out.push({ path: `${path}/${prop}`, keyword: 'unsupportedProperty', params: { property: prop, type: f.type } });
  }
  for (const p of ft.check?.(f) ?? []) out.push({ ...p, path: `${path}${p.path}` });
  if (f.required !== undefined && f.requiredIf !== undefined) out.push({ path: `${path}/requiredIf`, keyword: 'requiredConflict', params: {} });
  if (ft.computed && f.default !== undefined) out.push({ path: `${path}/default`, keyword: 'computedDefault', params: {} });
  if (ft.computed && (f.required || f.requiredIf)) out.push({ path: `${path}/required`, keyword: 'unsupportedProperty', params: { property: 'required', type: f.type } });
  if (f.requiredIf) checkCondition(f.requiredIf, siblings, `${path}/requiredIf`, out);
  if (f.visibleIf) checkCondition(f.visibleIf, siblings, `${path}/visibleIf`, out);
  (f.compare ?? []).forEach((c, i) => {
    const other = siblings.get(c.field);
    if (!other) out.push({ path: `${path}/compare/${i}/field`, keyword: 'unknownField', params: { field: c.field } });
    else if (other === f || comparableKind(other) !== comparableKind(f)) {
      out.push({ path: `${path}/compare/${i}/field`, keyword: 'compareType', params: { field: c.field } });
    }
  });
  if (f.type === 'subtable') {
    if (nested) out.push({ path, keyword: 'nestedSubtable', params: {} });
    else checkFieldList(f.fields ?? [], `${path}/fields`, true, out);
  }
}

function checkFieldList(fields: FieldDefinition[], path: string, nested: boolean, out: DefinitionProblem[]): void {
  const byKey = new Map<string, FieldDefinition>();
  fields.forEach((f, i) => {
    if (byKey.has(f.key)) out.push({ path: `${path}/${i}/key`, keyword: 'duplicateKey', params: { key: f.key } });
    else byKey.set(f.key, f);
  });
  fields.forEach((f, i) => checkField(f, `${path}/${i}`, byKey, nested, out));
}

/** Semantic checks a JSON Schema cannot express: unique keys, layout and condition references, formulas. */
export function checkDefinitionSemantics(def: FormDefinition): { problems: DefinitionProblem[]; plan: FormulaPlan } {
  const out: DefinitionProblem[] = [];
  checkFieldList(def.fields, '/fields', false, out);
  const keys = new Set(def.fields.map((f) => f.key));
  if (def.layout) {
    const placed = new Set<string>();
    def.layout.sections.forEach((s, si) =>
      s.fields.forEach((k, ki) => {
        const p = `/layout/sections/${si}/fields/${ki}`;
        if (!keys.has(k)) out.push({ path: p, keyword: 'unknownField', params: { field: k } });
        else if (placed.has(k)) out.push({ path: p, keyword: 'duplicateLayoutField', params: { field: k } });
        placed.add(k);
      }),
    );
  }
  if (def.settings?.titleField !== undefined && !keys.has(def.settings.titleField)) {
    out.push({ path: '/settings/titleField', keyword: 'unknownField', params: { field: def.settings.titleField } });
  }
  const { plan, problems } = buildFormulaPlan(def.fields);
  for (const p of problems) {
    const params = p.keyword === 'formulaCycle' ? { ...p.params, cycleText: (p.params.cycle as string[]).join(' → ') } : p.params;
    out.push({ path: p.path, keyword: p.keyword, params });
  }
  return { problems: out, plan };
}

/**
 * The form's own name, key and field list get messages a form author understands ("请填写表单名称")
 * instead of the schema keyword's ("title无效"); one message per property.
 */
function withDefinitionMessages(errors: FieldError[], locale: Locale): FieldError[] {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const e of errors) {
    const top = (e.path === '/title' && e.keyword !== 'maxLength') || e.path === '/key' || (e.path === '/fields' && (e.keyword === 'minItems' || e.keyword === 'required'));
    if (!top) {
      out.push(e);
      continue;
    }
    if (seen.has(e.path)) continue;
    seen.add(e.path);
    out.push({ ...e, message: renderMessage(`definition${e.path.replace('/', '.')}`, locale, {}) });
  }
  return out;
}

export function renderDefinitionProblems(def: unknown, problems: DefinitionProblem[], locale: Locale): FieldError[] {
  const labelFor = definitionLabelResolver(def);
  return problems.map((p) => fieldError(p.path, p.keyword, p.params, labelFor, locale));
}

/**
 * Checks a form definition against the meta-schema (schemas/form-definition.schema.json) and, when
 * that passes, the semantic rules (unique keys, references, formulas incl. cycles). Never throws.
 */
export function validateFormDefinition(def: unknown, locale: Locale = 'zh-CN'): ValidationResult {
  try {
    const metaErrors = metaValidate(def);
    if (metaErrors) {
      return { valid: false, errors: withDefinitionMessages(normalizeAjvErrors(metaErrors, def, definitionLabelResolver(def), locale), locale) };
    }
    const { problems } = checkDefinitionSemantics(def as FormDefinition);
    const errors = renderDefinitionProblems(def, problems, locale);
    return { valid: errors.length === 0, errors };
  } catch (e) {
    return {
      valid: false,
      errors: [fieldError('', 'schemaCompile', { detail: e instanceof Error ? e.message : String(e) }, definitionLabelResolver(def), locale)],
    };
  }
}
