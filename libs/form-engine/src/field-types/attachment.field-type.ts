import type { FieldTypeDefinition } from './field-type.js';

/** Metadata of uploaded files; the bytes live in the API's storage, referenced by id. */
export const attachmentFieldType: FieldTypeDefinition = {
  type: 'attachment',
  label: { 'zh-CN': '附件', en: 'Attachments' },
  widget: 'upload',
  storage: 'jsonb',
  filterOperators: ['empty', 'notEmpty'],
  sortable: false,
  computed: false,
  props: ['minItems', 'maxItems'],
  schema: (field) => ({
    type: 'array',
    maxItems: field.maxItems ?? 20,
    ...(field.minItems !== undefined ? { minItems: field.minItems } : {}),
    items: {
      type: 'object',
      properties: {
        id: { type: 'string', minLength: 1, maxLength: 100 },
        name: { type: 'string', minLength: 1, maxLength: 255 },
        size: { type: 'integer', minimum: 0, maximum: 1e12 },
        mime: { type: 'string', maxLength: 255 },
        url: { type: 'string', maxLength: 2000 },
      },
      required: ['id', 'name'],
      additionalProperties: false,
    },
  }),
  constraints: (field) => ({ minItems: field.minItems, maxItems: field.maxItems ?? 20 }),
};
