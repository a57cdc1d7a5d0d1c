import { FIELD_TYPES } from '../types.js';

/*
 * Meta-schema of a form definition (JSON Schema 2020-12). This TypeScript constant is the source
 * of truth, so the engine stays free of file IO; schemas/form-definition.schema.json is written
 * from it and a test (seeds/src/schemas-file.spec.ts) fails when the two differ.
 */

export const FORM_DEFINITION_SCHEMA_ID = 'https://credo.dev/schemas/form-definition.schema.json';

/** Keys the platform uses for record metadata or that are dangerous as object keys. */
export const RESERVED_FIELD_KEYS = [
  'id',
  'tenant_id',
  'form_id',
  'form_version',
  'version',
  'rev',
  'data',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'deleted_at',
  'constructor',
  'prototype',
  'hasownproperty',
  'tostring',
  'valueof',
] as const;

const decimalOrNumber = {
  anyOf: [{ type: 'number' }, { type: 'string', pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?$', maxLength: 40 }],
};

export const formDefinitionMetaSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: FORM_DEFINITION_SCHEMA_ID,
  title: 'Credo form definition',
  type: 'object',
  properties: {
    key: { $ref: '#/$defs/formKey' },
    title: { $ref: '#/$defs/localizedText' },
    description: { $ref: '#/$defs/localizedText' },
    fields: { type: 'array', minItems: 1, maxItems: 500, items: { $ref: '#/$defs/field' } },
    layout: {
      type: 'object',
      properties: {
        sections: {
          type: 'array',
          maxItems: 100,
          items: {
            type: 'object',
            properties: {
              key: { $ref: '#/$defs/fieldKey' },
              title: { $ref: '#/$defs/localizedText' },
              columns: { type: 'integer', minimum: 1, maximum: 4 },
              collapsed: { type: 'boolean' },
              fields: { type: 'array', maxItems: 500, items: { $ref: '#/$defs/fieldKey' } },
            },
            required: ['key', 'fields'],
            additionalProperties: false,
          },
        },
      },
      required: ['sections'],
      additionalProperties: false,
    },
    settings: {
      type: 'object',
      properties: {
        titleField: { $ref: '#/$defs/fieldKey' },
        description: { $ref: '#/$defs/localizedText' },
        /** A typed projection table kept in sync with the records (reports read it): true = every scalar field, or the fields listed. */
        typedProjection: {
          anyOf: [{ type: 'boolean' }, { type: 'array', items: { $ref: '#/$defs/fieldKey' }, uniqueItems: true, maxItems: 200 }],
        },
      },
      additionalProperties: false,
    },
  },
  required: ['key', 'title', 'fields'],
  additionalProperties: false,
  $defs: {
    formKey: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,62}$' },
    /** An absolute date, or one relative to the validation date: today, today+30, today-365. */
    dateBound: { anyOf: [{ type: 'string', format: 'date' }, { type: 'string', pattern: '^today([+-][0-9]{1,5})?$' }] },
    fieldKey: {
      type: 'string',
      pattern: '^[a-z][a-z0-9_]{0,62}$',
      not: { enum: [...RESERVED_FIELD_KEYS] },
    },
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
    condition: {
      anyOf: [
        {
          type: 'object',
          properties: { all: { type: 'array', minItems: 1, maxItems: 50, items: { $ref: '#/$defs/condition' } } },
          required: ['all'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: { any: { type: 'array', minItems: 1, maxItems: 50, items: { $ref: '#/$defs/condition' } } },
          required: ['any'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: { not: { $ref: '#/$defs/condition' } },
          required: ['not'],
          additionalProperties: false,
        },
        {
          type: 'object',
          properties: {
            field: { $ref: '#/$defs/fieldKey' },
            op: { enum: ['eq', 'ne', 'in', 'nin', 'empty', 'notEmpty', 'gt', 'gte', 'lt', 'lte'] },
            value: {},
          },
          required: ['field', 'op'],
          additionalProperties: false,
        },
      ],
    },
    option: {
      type: 'object',
      properties: {
        value: { type: 'string', minLength: 1, maxLength: 200 },
        label: { $ref: '#/$defs/localizedText' },
        archived: { type: 'boolean' },
      },
      required: ['value'],
      additionalProperties: false,
    },
    field: {
      type: 'object',
      properties: {
        key: { $ref: '#/$defs/fieldKey' },
        type: { enum: [...FIELD_TYPES] },
        label: { $ref: '#/$defs/localizedText' },
        help: { $ref: '#/$defs/localizedText' },
        placeholder: { $ref: '#/$defs/localizedText' },
        widget: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,62}$' },
        required: { type: 'boolean' },
        requiredIf: { $ref: '#/$defs/condition' },
        visibleIf: { $ref: '#/$defs/condition' },
        readOnly: { type: 'boolean' },
        default: {},
        span: { type: 'integer', minimum: 1, maximum: 24 },
        unique: { type: 'boolean' },
        indexed: { type: 'boolean' },
        archived: { type: 'boolean' },
        minLength: { type: 'integer', minimum: 0, maximum: 100000 },
        maxLength: { type: 'integer', minimum: 1, maximum: 100000 },
        pattern: { type: 'string', minLength: 1, maxLength: 500 },
        minimum: decimalOrNumber,
        maximum: decimalOrNumber,
        exclusiveMinimum: decimalOrNumber,
        exclusiveMaximum: decimalOrNumber,
        scale: { type: 'integer', minimum: 0, maximum: 10 },
        minDate: { $ref: '#/$defs/dateBound' },
        maxDate: { $ref: '#/$defs/dateBound' },
        compare: {
          type: 'array',
          minItems: 1,
          maxItems: 10,
          items: {
            type: 'object',
            properties: { op: { enum: ['lt', 'lte', 'gt', 'gte', 'eq', 'ne'] }, field: { $ref: '#/$defs/fieldKey' } },
            required: ['op', 'field'],
            additionalProperties: false,
          },
        },
        options: { type: 'array', minItems: 1, maxItems: 1000, items: { $ref: '#/$defs/option' } },
        minItems: { type: 'integer', minimum: 0, maximum: 10000 },
        maxItems: { type: 'integer', minimum: 1, maximum: 10000 },
        allowLegacy: { type: 'boolean' },
        luhn: { type: 'boolean' },
        reference: {
          type: 'object',
          properties: { form: { $ref: '#/$defs/formKey' } },
          required: ['form'],
          additionalProperties: false,
        },
        fields: { type: 'array', minItems: 1, maxItems: 100, items: { $ref: '#/$defs/field' } },
        autoNumber: {
          type: 'object',
          properties: { pattern: { type: 'string', minLength: 1, maxLength: 64 } },
          required: ['pattern'],
          additionalProperties: false,
        },
        formula: { type: 'string', minLength: 1, maxLength: 4000 },
        resultType: { enum: ['decimal', 'integer', 'text', 'date', 'boolean'] },
      },
      required: ['key', 'type', 'label'],
      additionalProperties: false,
      allOf: [
        { if: { properties: { type: { enum: ['select', 'multiselect'] } } }, then: { required: ['options'] } },
        { if: { properties: { type: { const: 'subtable' } } }, then: { required: ['fields'] } },
        { if: { properties: { type: { const: 'reference' } } }, then: { required: ['reference'] } },
        { if: { properties: { type: { const: 'autonumber' } } }, then: { required: ['autoNumber'] } },
        { if: { properties: { type: { const: 'formula' } } }, then: { required: ['formula', 'resultType'] } },
      ],
    },
  },
} as const;
