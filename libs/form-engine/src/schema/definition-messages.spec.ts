import { describe, expect, it } from 'vitest';
import { validateFormDefinition } from './validate-definition.js';

const blank = { key: '', title: { 'zh-CN': '', en: '' }, fields: [] };

describe('messages on the form definition itself', () => {
  it('names the form name, key and field list instead of the schema keyword (zh-CN and en)', () => {
    expect(validateFormDefinition(blank, 'zh-CN').errors.map((e) => [e.path, e.message])).toEqual([
      ['/key', '表单标识须以小写字母开头，只含小写字母、数字、下划线或连字符'],
      ['/title', '请填写表单名称'],
      ['/fields', '请至少添加一个字段'],
    ]);
    expect(validateFormDefinition({ ...blank, key: 'Bad key' }, 'en').errors.map((e) => e.message)).toEqual([
      'The form key must start with a lowercase letter and contain only lowercase letters, digits, underscores or hyphens',
      'Enter the form name',
      'Add at least one field',
    ]);
  });

  it('keeps field-level messages as they were and labels other top-level properties', () => {
    const r = validateFormDefinition({ key: 'ok', title: '表单', fields: [{ key: 'a', type: 'text', label: 'A', maxLength: -1 }] }, 'zh-CN');
    expect(r.errors.map((e) => e.path)).toEqual(['/fields/0/maxLength']);
    expect(r.errors[0]!.message).toContain('字段“A”');
    const extra = validateFormDefinition({ key: 'ok', title: '表单', fields: [{ key: 'a', type: 'text', label: 'A' }], description: 5 }, 'zh-CN');
    expect(extra.errors[0]!.message).toContain('表单说明');
  });
});
