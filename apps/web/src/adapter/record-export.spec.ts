import { describe, expect, it } from 'vitest';
import type { FormDetail } from '../api/forms';
import { allRecordColumns } from './record-columns';
import { recordsToCsv } from './record-export';

const form: FormDetail = {
  key: 'c',
  title: 'C',
  version: {
    id: 'v',
    number: 1,
    schema: {},
    ui: null,
    publishedAt: null,
    definition: {
      fields: [
        { key: 'name', type: 'text', label: { 'zh-CN': '名称', en: 'Name' } },
        { key: 'kind', type: 'select', label: '类型', options: [{ value: 'ent', label: '企业' }] },
        { key: 'limit', type: 'money', label: '额度' },
      ],
    },
  },
};

describe('recordsToCsv', () => {
  it('writes the list’s text with a BOM, quoting what needs it and defusing formulas', () => {
    const csv = recordsToCsv(
      allRecordColumns(form),
      [{ data: { name: '上海"甲", 有限公司', kind: 'ent', limit: '1234.5' } }, { data: { name: '=HYPERLINK("x")' } }],
      { locale: 'zh-CN', yes: '是', no: '否' },
    );
    expect(csv.split('\r\n')).toEqual(['\uFEFF名称,类型,额度', '"上海""甲"", 有限公司",企业,"1,234.50"', `"'=HYPERLINK(""x"")",,`, '']);
  });
});
