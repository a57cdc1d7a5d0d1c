/**
 * @credo/form-engine — pure, isomorphic: form definitions -> JSON Schema + UI + formulas,
 * one Ajv instance, localized field errors. No IO, no clock (pass asOf in), no frameworks.
 */
export * from './types.js';
export { compileFormOrThrow, FormDefinitionError, releaseCompiledForm } from './compile/compile-form.js';
export type { CompiledForm, CompleteContext, CompleteReport } from './compile/compiled-form.js';
export { CompiledFormCache } from './compile/compiled-form-cache.js';
export { validateFormDefinition } from './schema/validate-definition.js';
export { formDefinitionMetaSchema, FORM_DEFINITION_SCHEMA_ID, RESERVED_FIELD_KEYS } from './schema/form-definition.meta-schema.js';
export { buildRecordSchema } from './schema/build-record-schema.js';
export { buildUi } from './compile/build-ui.js';
export { formatAutoNumber, autoNumberPeriod, autoNumberPatternProblem } from './auto-number/auto-number.js';
export {
  usccCheckChar,
  isValidUscc,
  usccProblem,
  normalizeUscc,
  usccOrgCodeValid,
  orgCodeCheckChar,
  isLegacyOrgCode,
  isLegacyRegistrationNo,
  isUsccOrLegacy,
  USCC_ALPHABET,
} from './validators/uscc.js';
export {
  isCnMobile,
  isCnPhone,
  isCnPostalCode,
  isBankAccount,
  isCnapsCode,
  isFapiaoCode,
  isFapiaoNumber,
  isEmail,
  luhnValid,
  isBankCard,
} from './validators/cn-formats.js';
export { isValidDate, addDays, addMonths, endOfMonth, daysBetween, isRelativeDate, resolveRelativeDate } from './validators/date.js';
export { Decimal, isDecimalString, compareDecimal } from './validators/decimal.js';
export { evaluateCondition, conditionFields } from './conditions/condition.js';
export { localize, resolveLocale, DEFAULT_LOCALE } from './i18n/localize.js';
export { fieldTypeRegistry, getFieldType } from './field-types/registry.js';
export type { FieldTypeDefinition, StorageKind } from './field-types/field-type.js';
export { getAjv, getFastAjv } from './ajv/ajv-instance.js';
export { diffDefinitions, archiveRemovedFields } from './diff/diff-definitions.js';
export type { DefinitionDiff, DefinitionChange, ChangeKind, ChangeImpact } from './diff/diff-definitions.js';
export { migrateRecord, convertValue } from './diff/migrate-record.js';
export type { MigrationResult, MigrationReport, MigrationStep, MigrationAction } from './diff/migrate-record.js';
export { warmUpFormEngine } from './compile/warm-up.js';
export type {
  RuleSet,
  Rule,
  RuleKind,
  RuleCondition,
  LeafCondition,
  FactReference,
  FactKind,
  RollupDeclaration,
  LookupDeclaration,
  OutputDeclaration,
  OutputOption,
  ValidationRule,
  ClassificationRule,
  ClassificationCase,
  ScoringRule,
  ScoreFactor,
  ScoreBand,
  KnockOut,
  GradeBand,
  GradePolicy,
  AlertRule,
  AlertAction,
  AlertSeverity,
  EvaluateRuleSetOptions,
  ExplainedCondition,
  RuleOutcome,
  ValidationOutcome,
  ClassificationOutcome,
  ScoringOutcome,
  ScoringPolicyOutcome,
  AlertOutcome,
  RaisedAlert,
  RuleSetResult,
  RuleSetProblem,
} from './rules/types.js';
export { ruleSetSchema, RULE_SET_SCHEMA_ID } from './rules/rule-set.schema.js';
export { validateRuleSet, checkRuleSet, renderRuleSetProblems, ruleSetNames, RuleSetError, MAX_CONDITION_DEPTH, MAX_CONDITIONS } from './rules/validate-rule-set.js';
export { evaluateRuleSet, RuleEvaluationError } from './rules/evaluate-rule-set.js';
export { compileRuleSet } from './rules/compile-rule-set.js';
export type { CompiledRuleSet } from './rules/compile-rule-set.js';
export {
  compactExplanation,
  explanationDataMatches,
  explanationOf,
  factsForExplanation,
  isFullExplanation,
  rebuildExplanation,
  ruleSetInputKeys,
} from './rules/explanation.js';
export type { CompactExplanation, RuleExplanation } from './rules/explanation.js';
export { operatorRegistry, getOperator } from './rules/operators/registry.js';
export type { OperatorDefinition, OperatorValueShape } from './rules/operators/operator.js';
export { PARAM_FACTS, AS_OF_FACT, factCatalog, outputOptionValues } from './rules/facts.js';
export { PARAM_FACT_TEXT, AS_OF_TEXT, type RuleSetNames } from './rules/messages.js';
export { ruleValueLabels, ruleValueText, type RuleValueLabels } from './rules/output-labels.js';
export type { FactInfo, FactSource } from './rules/facts.js';
