import { describe, expect, it } from 'vitest';
import type { FormDefinition, FormDetail } from '../api/forms';
import { detailSections, recordTitleField } from './record-sections';

const definition: FormDefinition = {
  fields: [
    { key: 'code', type: 'autonumber', label: '编号' },
    { key: 'name', type: 'text', label: '名称' },
    { key: 'phone', type: 'phone', label: '电话' },
    { key: 'note', type: 'textarea', label: '备注' },
  ],
};

const detail = (ui: unknown): FormDetail => ({ key: 'c', title: 'C', version: { id: 'v', number: 1, definition, schema: {}, ui, publishedAt: null } });

describe('detailSections', () => {
  it('follows the engine ui sections and gathers the unplaced fields last', () => {
    const ui = {
      order: ['name', 'code', 'phone'],
      titleField: 'name',
      sections: [
        { key: 'basic', title: { 'zh-CN': '基本信息', en: 'Basic' }, columns: 2, fields: [{ key: 'name', type: 'text', label: '名称' }, { key: 'code', type: 'autonumber', label: '编号' }] },
        { key: 'contact', columns: 1, fields: [{ key: 'phone', type: 'phone', label: '电话' }] },
      ],
    };
    const sections = detailSections(detail(ui));
    expect(sections.map((s) => [s.key, s.columns, s.fields.map((f) => f.key)])).toEqual([
      ['basic', 2, ['name', 'code']],
      ['contact', 1, ['phone']],
      ['other', 2, ['note']],
    ]);
    expect(recordTitleField(detail(ui))).toBe('name');
  });

  it('makes one section without a ui, and finds a name field to title records', () => {
    const sections = detailSections(detail(null));
    expect(sections).toHaveLength(1);
    expect(sections[0]!.fields.map((f) => f.key)).toEqual(['code', 'name', 'phone', 'note']);
    expect(recordTitleField(detail(null))).toBe('name');
  });
});
