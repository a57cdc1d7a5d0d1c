import { localize } from '../i18n/localize.js';
import type { Locale, LocalizedText } from '../types.js';

/** Messages of rule-set problems; {name} placeholders come from the problem's params. */
const zh: Record<string, string> = {
  'schema.required': '缺少属性“{missingProperty}”',
  'schema.additionalProperties': '未知属性“{property}”',
  'schema.type': '类型不正确，应为{type}',
  'schema.enum': '不是允许的值',
  'schema.const': '不是允许的值',
  'schema.pattern': '格式不正确',
  'schema.anyOf': '不符合任何一种允许的写法',
  'schema.minItems': '至少需要{limit}项',
  'schema.maxItems': '最多允许{limit}项',
  'schema.default': '不符合规则集格式（{keyword}）',
  tooDeep: '条件嵌套过深（最多{max}层）',
  tooManyConditions: '条件过多（最多{max}个）',
  formMismatch: '规则集属于表单“{form}”，不能用于表单“{expected}”',
  duplicateRuleId: '规则编号“{id}”重复',
  duplicateKey: '键“{key}”重复',
  keyConflict: '键“{key}”与表单字段或内置事实同名',
  unknownFact: '未知事实“{fact}”：必须是表单字段、计算字段、已声明的汇总、查找表或 asOf',
  unknownOperator: '未知运算符“{operator}”',
  operatorFactType: '运算符“{operator}”不能用于{kind}类型的事实“{fact}”',
  valueType: '运算符“{operator}”的比较值应为{expected}',
  unknownOption: '“{value}”不是“{fact}”的可选值',
  pathNotAllowed: '只有对象或列表类型的事实才能使用路径（“{fact}”）',
  paramsNotAllowed: '事实“{fact}”不接受参数',
  paramsRequired: '{fact}：请为“{param}”选择一个{expected}事实',
  unknownField: '表单中没有字段“{field}”',
  unknownOutput: '“{key}”未在 outputs 中声明',
  outputType: '输出“{key}”的类型应为{expected}',
  lookupInput: '查找表的输入“{input}”必须是表单字段或汇总',
  duplicateCase: '分类结果编号“{id}”重复',
  priorityWithFirstMatch: '仅在 strategy 为 priority 时才能设置优先级',
  gradeOrder: '等级必须按最低分从高到低排列',
  lastGradeMinScore: '最后一个等级的最低分应为0',
  unknownGrade: '未定义的等级“{grade}”',
  unknownFactor: '未定义的评分因素“{factor}”',
  bandPoints: '得分{points}超过该因素的权重{weight}',
  duplicateCode: '预警代码“{code}”重复',
  setFieldValue: '“{value}”不是字段“{field}”的可选值',
  ruleCycle: '规则之间存在循环依赖：{cycleText}',
  tooLarge: '规则集过大或嵌套过深',
};

const en: Record<string, string> = {
  'schema.required': 'missing property "{missingProperty}"',
  'schema.additionalProperties': 'unknown property "{property}"',
  'schema.type': 'must be of type {type}',
  'schema.enum': 'is not an allowed value',
  'schema.const': 'is not an allowed value',
  'schema.pattern': 'has an invalid format',
  'schema.anyOf': 'matches none of the allowed shapes',
  'schema.minItems': 'needs at least {limit} items',
  'schema.maxItems': 'allows at most {limit} items',
  'schema.default': 'does not match the rule-set format ({keyword})',
  tooDeep: 'conditions are nested too deeply (at most {max} levels)',
  tooManyConditions: 'too many conditions (at most {max})',
  formMismatch: 'the rule set belongs to form "{form}", not "{expected}"',
  duplicateRuleId: 'rule id "{id}" is used twice',
  duplicateKey: 'key "{key}" is declared twice',
  keyConflict: 'key "{key}" clashes with a form field or a built-in fact',
  unknownFact: 'unknown fact "{fact}": it must be a form field, a computed field, a declared rollup or lookup, or asOf',
  unknownOperator: 'unknown operator "{operator}"',
  operatorFactType: 'operator "{operator}" cannot be used on the {kind} fact "{fact}"',
  valueType: 'the value of operator "{operator}" must be a {expected} value',
  unknownOption: '"{value}" is not an option of "{fact}"',
  pathNotAllowed: 'only object or list facts take a path ("{fact}")',
  paramsNotAllowed: 'fact "{fact}" takes no parameters',
  paramsRequired: '{fact}: choose a {expected} fact for "{param}"',
  unknownField: 'the form has no field "{field}"',
  unknownOutput: '"{key}" is not declared in outputs',
  outputType: 'output "{key}" must be of type {expected}',
  lookupInput: 'the input "{input}" of a lookup must be a form field or a rollup',
  duplicateCase: 'case id "{id}" is used twice',
  priorityWithFirstMatch: 'priorities apply only with strategy "priority"',
  gradeOrder: 'grades must be listed from the highest minimum score down',
  lastGradeMinScore: 'the last grade must start at score 0',
  unknownGrade: 'grade "{grade}" is not defined',
  unknownFactor: 'factor "{factor}" is not defined',
  bandPoints: '{points} points exceed the factor weight {weight}',
  duplicateCode: 'alert code "{code}" is used twice',
  setFieldValue: '"{value}" is not an option of field "{field}"',
  ruleCycle: 'rules depend on each other in a cycle: {cycleText}',
  tooLarge: 'the rule set is too large or too deeply nested',
};

/** Display names for the keys a problem names: facts (form fields, rollups, lookups, outputs) by key. */
export interface RuleSetNames {
  facts: ReadonlyMap<string, LocalizedText>;
}

/** Names of the engine's parameterised facts and of their parameters (every PARAM_FACTS entry; a spec checks it). */
export const PARAM_FACT_TEXT: Readonly<Record<string, { label: LocalizedText; params: Record<string, LocalizedText> }>> = {
  daysUntil: { label: { 'zh-CN': '距到期天数', en: 'Days until' }, params: { fact: { 'zh-CN': '日期', en: 'Date' } } },
  daysSince: { label: { 'zh-CN': '已过天数', en: 'Days since' }, params: { fact: { 'zh-CN': '日期', en: 'Date' } } },
  monthsSince: { label: { 'zh-CN': '已过月数', en: 'Months since' }, params: { fact: { 'zh-CN': '日期', en: 'Date' } } },
  percentOf: { label: { 'zh-CN': '占比(%)', en: 'Share (%)' }, params: { part: { 'zh-CN': '部分', en: 'Part' }, whole: { 'zh-CN': '整体', en: 'Whole' } } },
};

/** The evaluation date's name. */
export const AS_OF_TEXT: LocalizedText = { 'zh-CN': '评估日期（今天）', en: 'Evaluation date (today)' };

/** Kinds of fact and of comparison value, as words. */
const KIND_TEXT: Record<string, LocalizedText> = {
  number: { 'zh-CN': '数值', en: 'number' },
  decimal: { 'zh-CN': '数值', en: 'number' },
  text: { 'zh-CN': '文本', en: 'text' },
  date: { 'zh-CN': '日期', en: 'date' },
  boolean: { 'zh-CN': '是/否', en: 'yes/no' },
  list: { 'zh-CN': '列表', en: 'list' },
  object: { 'zh-CN': '对象', en: 'object' },
  'true/false': { 'zh-CN': '是/否', en: 'yes/no' },
  'a literal': { 'zh-CN': '固定值', en: 'literal' },
};

/** Condition operators as the rule designer names them. */
const OPERATOR_TEXT: Record<string, LocalizedText> = {
  equal: { 'zh-CN': '等于', en: 'equals' },
  notEqual: { 'zh-CN': '不等于', en: 'not equal' },
  in: { 'zh-CN': '属于', en: 'in' },
  notIn: { 'zh-CN': '不属于', en: 'not in' },
  contains: { 'zh-CN': '包含', en: 'contains' },
  doesNotContain: { 'zh-CN': '不包含', en: 'does not contain' },
  lessThan: { 'zh-CN': '小于', en: 'less than' },
  lessThanInclusive: { 'zh-CN': '小于等于', en: 'at most' },
  greaterThan: { 'zh-CN': '大于', en: 'greater than' },
  greaterThanInclusive: { 'zh-CN': '大于等于', en: 'at least' },
  between: { 'zh-CN': '介于', en: 'between' },
  isEmpty: { 'zh-CN': '为空', en: 'is empty' },
  dateBefore: { 'zh-CN': '早于', en: 'before' },
  dateOnOrBefore: { 'zh-CN': '不晚于', en: 'on or before' },
  dateAfter: { 'zh-CN': '晚于', en: 'after' },
  dateOnOrAfter: { 'zh-CN': '不早于', en: 'on or after' },
  dateBetween: { 'zh-CN': '日期介于', en: 'between dates' },
};

/** Params that name a fact, per problem code (their key is shown by its label when it has one). */
const FACT_PARAMS: Record<string, readonly string[]> = {
  operatorFactType: ['fact'],
  unknownOption: ['fact'],
  pathNotAllowed: ['fact'],
  paramsNotAllowed: ['fact'],
  paramsRequired: ['fact'],
  setFieldValue: ['field'],
  lookupInput: ['input'],
};

/** A fact key as words: its label (form field, declaration, computed fact, asOf) or the key itself. */
function factName(key: unknown, locale: Locale, names: RuleSetNames | undefined): unknown {
  if (typeof key !== 'string') return key;
  const label = names?.facts.get(key) ?? PARAM_FACT_TEXT[key]?.label ?? (key === 'asOf' ? AS_OF_TEXT : undefined);
  return label === undefined ? key : localize(label, locale) || key;
}

function kindWords(value: unknown, locale: Locale): unknown {
  const one = (v: unknown) => (typeof v === 'string' && KIND_TEXT[v] ? localize(KIND_TEXT[v], locale) : v);
  return Array.isArray(value) ? [...new Set(value.map(one))] : one(value);
}

/**
 * A problem in words: keys of facts, parameters, operators and kinds are said with their labels in
 * `locale` (the raw keys stay in the problem's params for programs).
 */
export function renderRuleSetMessage(code: string, locale: Locale, params: Record<string, unknown>, names?: RuleSetNames): string {
  const catalog = locale === 'en' ? en : zh;
  const template = catalog[code] ?? catalog['schema.default']!;
  const shown: Record<string, unknown> = { ...params };
  for (const name of FACT_PARAMS[code] ?? []) shown[name] = factName(params[name], locale, names);
  if (code === 'paramsRequired' && typeof params.fact === 'string' && typeof params.param === 'string') {
    const label = PARAM_FACT_TEXT[params.fact]?.params[params.param];
    if (label) shown.param = localize(label, locale);
  }
  if (code === 'paramsRequired' || code === 'valueType') shown.expected = kindWords(params.expected, locale);
  if (code === 'operatorFactType') shown.kind = kindWords(params.kind, locale);
  if ((code === 'operatorFactType' || code === 'valueType') && typeof params.operator === 'string' && OPERATOR_TEXT[params.operator]) {
    shown.operator = localize(OPERATOR_TEXT[params.operator], locale);
  }
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const v = shown[name];
    return v === undefined ? '' : Array.isArray(v) ? v.join(locale === 'en' ? ' or ' : '或') : String(v);
  });
}

export function hasRuleSetMessage(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(zh, code);
}
