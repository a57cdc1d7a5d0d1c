/*
 * JSON Schema (2020-12) of a rule-set document. This constant is the source of truth (the engine
 * reads no files); schemas/rule-set.schema.json is written from it and a test fails when they differ.
 * What a schema cannot say (facts known to the form, operator/value types, cycles, nesting depth)
 * is checked by validateRuleSet.
 */

export const RULE_SET_SCHEMA_ID = 'https://credo.dev/schemas/rule-set.schema.json';

const localizedText = { $ref: '#/$defs/localizedText' };
const decimalString = { type: 'string', pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$', maxLength: 40 };
const condition = { $ref: '#/$defs/condition' };
const ruleId = { $ref: '#/$defs/ruleId' };
const factKey = { $ref: '#/$defs/factKey' };

export const ruleSetSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: RULE_SET_SCHEMA_ID,
  title: 'Credo rule set',
  description:
    'Validation, classification, scoring and alert rules for one form. Conditions use the json-rules-engine format (all / any / not, fact, operator, value, path, params).',
  type: 'object',
  properties: {
    $schema: { type: 'string' },
    key: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,62}$' },
    form: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,62}$' },
    version: { type: 'integer', minimum: 1 },
    title: localizedText,
    description: localizedText,
    rollups: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/rollup' } },
    lookups: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/lookup' } },
    outputs: { type: 'array', maxItems: 100, items: { $ref: '#/$defs/output' } },
    rules: { type: 'array', maxItems: 500, items: { $ref: '#/$defs/rule' } },
  },
  required: ['key', 'form', 'version', 'title', 'rules'],
  additionalProperties: false,
  $defs: {
    localizedText: {
      anyOf: [
        { type: 'string', minLength: 1, maxLength: 1000 },
        {
          type: 'object',
          properties: {
            'zh-CN': { type: 'string', minLength: 1, maxLength: 1000 },
            en: { type: 'string', maxLength: 1000 },
          },
          required: ['zh-CN'],
          additionalProperties: false,
        },
      ],
    },
    factKey: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' },
    ruleId: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_.-]{0,62}$' },
    scalar: { type: ['string', 'number', 'boolean'] },
    rollup: {
      type: 'object',
      properties: {
        key: factKey,
        label: localizedText,
        description: localizedText,
        type: { enum: ['decimal', 'integer', 'text', 'date', 'boolean'] },
        options: { type: 'array', minItems: 1, maxItems: 200, items: { type: 'string', minLength: 1, maxLength: 200 } },
        default: { $ref: '#/$defs/scalar' },
      },
      required: ['key', 'label', 'type'],
      additionalProperties: false,
    },
    lookup: {
      type: 'object',
      properties: {
        key: factKey,
        label: localizedText,
        input: factKey,
        type: { enum: ['decimal', 'integer', 'text'] },
        table: {
          type: 'object',
          maxProperties: 1000,
          additionalProperties: { type: ['string', 'number'] },
        },
        default: { type: ['string', 'number'] },
      },
      required: ['key', 'label', 'input', 'type', 'table'],
      additionalProperties: false,
    },
    output: {
      type: 'object',
      properties: {
        key: factKey,
        label: localizedText,
        type: { enum: ['decimal', 'integer', 'text', 'date'] },
        options: {
          type: 'array',
          minItems: 1,
          maxItems: 200,
          items: {
            anyOf: [
              { type: 'string', minLength: 1, maxLength: 200 },
              {
                type: 'object',
                description: 'A value with its zh-CN / en label, like a select option of a form; the value is what is stored.',
                properties: { value: { type: 'string', minLength: 1, maxLength: 200 }, label: localizedText },
                required: ['value'],
                additionalProperties: false,
              },
            ],
          },
        },
      },
      required: ['key', 'label', 'type'],
      additionalProperties: false,
    },
    condition: {
      anyOf: [
        {
          type: 'object',
          properties: { all: { type: 'array', minItems: 1, maxItems: 50, items: condition } },
          required: ['all'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: { any: { type: 'array', minItems: 1, maxItems: 50, items: condition } },
          required: ['any'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: { not: condition },
          required: ['not'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: {
            fact: factKey,
            operator: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' },
            value: {},
            path: { $ref: '#/$defs/path' },
            params: { $ref: '#/$defs/params' },
          },
          required: ['fact', 'operator', 'value'],
          additionalProperties: false,
        },
      ],
    },
    /** Root of a rule's conditions: a boolean node, as json-rules-engine requires. */
    rootCondition: {
      allOf: [condition, { anyOf: [{ required: ['all'] }, { required: ['any'] }, { required: ['not'] }] }],
    },
    path: { type: 'string', pattern: '^\\$(\\.[A-Za-z_][A-Za-z0-9_]{0,62}|\\[[0-9]{1,6}\\])+$', maxLength: 300 },
    params: {
      type: 'object',
      maxProperties: 4,
      propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]{0,62}$' },
      additionalProperties: { type: 'string', maxLength: 64 },
    },
    ruleBase: {
      type: 'object',
      properties: {
        id: ruleId,
        title: localizedText,
        description: localizedText,
        enabled: { type: 'boolean' },
      },
    },
    rule: {
      type: 'object',
      required: ['id', 'kind'],
      properties: { kind: { enum: ['validation', 'classification', 'scoring', 'alert'] } },
      allOf: [
        { if: { properties: { kind: { const: 'validation' } } }, then: { $ref: '#/$defs/validationRule' } },
        { if: { properties: { kind: { const: 'classification' } } }, then: { $ref: '#/$defs/classificationRule' } },
        { if: { properties: { kind: { const: 'scoring' } } }, then: { $ref: '#/$defs/scoringRule' } },
        { if: { properties: { kind: { const: 'alert' } } }, then: { $ref: '#/$defs/alertRule' } },
      ],
    },
    validationRule: {
      $ref: '#/$defs/ruleBase',
      properties: {
        kind: { const: 'validation' },
        conditions: { $ref: '#/$defs/rootCondition' },
        field: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
        message: localizedText,
      },
      required: ['conditions', 'field', 'message'],
      unevaluatedProperties: false,
    },
    classificationRule: {
      $ref: '#/$defs/ruleBase',
      properties: {
        kind: { const: 'classification' },
        target: factKey,
        strategy: { enum: ['firstMatch', 'priority'] },
        cases: {
          type: 'array',
          minItems: 1,
          maxItems: 100,
          items: {
            type: 'object',
            properties: {
              id: ruleId,
              value: { type: ['string', 'number'] },
              conditions: { $ref: '#/$defs/rootCondition' },
              priority: { type: 'integer', minimum: 1, maximum: 1000 },
              label: localizedText,
            },
            required: ['id', 'value', 'conditions'],
            additionalProperties: false,
          },
        },
        default: { type: ['string', 'number'] },
      },
      required: ['target', 'strategy', 'cases'],
      unevaluatedProperties: false,
    },
    scoringRule: {
      $ref: '#/$defs/ruleBase',
      properties: {
        kind: { const: 'scoring' },
        factors: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: {
            type: 'object',
            properties: {
              key: ruleId,
              label: localizedText,
              weight: { type: 'integer', minimum: 0, maximum: 1000 },
              bands: {
                type: 'array',
                minItems: 1,
                maxItems: 30,
                items: {
                  type: 'object',
                  properties: {
                    points: { type: 'integer', minimum: 0, maximum: 1000 },
                    conditions: { $ref: '#/$defs/rootCondition' },
                    label: localizedText,
                  },
                  required: ['points', 'conditions'],
                  additionalProperties: false,
                },
              },
              otherwise: { type: 'integer', minimum: 0, maximum: 1000 },
            },
            required: ['key', 'label', 'weight', 'bands'],
            additionalProperties: false,
          },
        },
        knockouts: {
          type: 'array',
          maxItems: 50,
          items: {
            type: 'object',
            properties: {
              id: ruleId,
              label: localizedText,
              conditions: { $ref: '#/$defs/rootCondition' },
              score: { type: 'integer', minimum: 0, maximum: 1000 },
              grade: { type: 'string', minLength: 1, maxLength: 20 },
              maxGrade: { type: 'string', minLength: 1, maxLength: 20 },
              zeroFactors: { type: 'array', minItems: 1, maxItems: 50, items: ruleId },
            },
            required: ['id', 'label', 'conditions'],
            anyOf: [{ required: ['score'] }, { required: ['grade'] }, { required: ['maxGrade'] }, { required: ['zeroFactors'] }],
            additionalProperties: false,
          },
        },
        grades: {
          type: 'array',
          minItems: 1,
          maxItems: 30,
          items: {
            type: 'object',
            properties: {
              grade: { type: 'string', minLength: 1, maxLength: 20 },
              minScore: { type: 'integer', minimum: 0, maximum: 100000 },
              label: localizedText,
              policy: {
                type: 'object',
                properties: {
                  netWorthPct: decimalString,
                  monthlySalesMultiple: decimalString,
                  maxTermDays: { type: 'integer', minimum: 0, maximum: 3650 },
                  terms: localizedText,
                  reviewMonths: { type: 'integer', minimum: 0, maximum: 120 },
                },
                required: ['maxTermDays', 'terms', 'reviewMonths'],
                additionalProperties: false,
              },
            },
            required: ['grade', 'minScore'],
            additionalProperties: false,
          },
        },
        policyInputs: {
          type: 'object',
          properties: {
            netWorth: factKey,
            annualSales: factKey,
            cap: factKey,
            capPct: decimalString,
            basisDate: factKey,
          },
          additionalProperties: false,
        },
        outputs: {
          type: 'object',
          properties: {
            score: factKey,
            grade: factKey,
            limit: factKey,
            termDays: factKey,
            terms: factKey,
            reviewMonths: factKey,
            validUntil: factKey,
          },
          required: ['score', 'grade'],
          additionalProperties: false,
        },
      },
      required: ['factors', 'grades', 'outputs'],
      unevaluatedProperties: false,
    },
    alertRule: {
      $ref: '#/$defs/ruleBase',
      properties: {
        kind: { const: 'alert' },
        code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,62}$' },
        severity: { enum: ['info', 'low', 'medium', 'high'] },
        conditions: { $ref: '#/$defs/rootCondition' },
        message: localizedText,
        actions: {
          type: 'array',
          maxItems: 20,
          items: {
            anyOf: [
              {
                type: 'object',
                properties: {
                  type: { const: 'notify' },
                  to: { type: 'array', minItems: 1, maxItems: 20, items: { type: 'string', minLength: 1, maxLength: 100 } },
                  note: localizedText,
                },
                required: ['type', 'to'],
                additionalProperties: false,
              },
              {
                type: 'object',
                properties: {
                  type: { const: 'setField' },
                  field: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,62}$' },
                  value: { $ref: '#/$defs/scalar' },
                },
                required: ['type', 'field', 'value'],
                additionalProperties: false,
              },
              {
                type: 'object',
                properties: {
                  type: { const: 'requireApproval' },
                  role: { type: 'string', minLength: 1, maxLength: 100 },
                  note: localizedText,
                },
                required: ['type', 'role'],
                additionalProperties: false,
              },
            ],
          },
        },
      },
      required: ['code', 'severity', 'conditions', 'message', 'actions'],
      unevaluatedProperties: false,
    },
  },
} as const;
