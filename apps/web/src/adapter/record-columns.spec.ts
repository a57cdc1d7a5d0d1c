import { describe, expect, it } from 'vitest';
import type { FormDefinition, FormDetail } from '../api/forms';
import { buildRecordColumns, cellText, columnLabel, fitColumnWidths } from './record-columns';

const ctx = { locale: 'zh-CN', yes: '是', no: '否' };

function form(definition: FormDefinition, ui: unknown = null): FormDetail {
  return { key: 'f', title: 'F', version: { id: 'v', number: 1, definition, schema: {}, ui, publishedAt: null } };
}

describe('buildRecordColumns', () => {
  const fields = Array.from({ length: 11 }, (_, i) => ({ key: `f${i}`, type: 'text', label: `字段${i}` }));

  it('shows the first eight column fields and counts the rest', () => {
    const { columns, hiddenCount } = buildRecordColumns(form({ fields }));
    expect(columns.map((c) => c.key)).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5', 'f6', 'f7']);
    expect(hiddenCount).toBe(3);
  });

  it('has no columns for an unpublished form', () => {
    expect(buildRecordColumns({ key: 'f', title: 'F', version: null }).columns).toEqual([]);
  });

  it('renders select labels, booleans, money and blanks', () => {
    const { columns } = buildRecordColumns(
      form({
        fields: [
          { key: 'kind', type: 'select', label: { 'zh-CN': '类型', en: 'Type' }, options: [{ value: 'ent', label: { 'zh-CN': '企业', en: 'Enterprise' } }] },
          { key: 'sme', type: 'boolean', label: '中小企业' },
          { key: 'limit', type: 'money', label: '额度' },
          { key: 'rate', type: 'percent', label: '比例', scale: 1 },
          { key: 'due', type: 'formula', resultType: 'integer', label: '天数' },
          { key: 'note', type: 'text', label: '备注' },
        ],
      }),
    );
    const record = { data: { kind: 'ent', sme: false, limit: '1234567.5', rate: '12.37', due: 12, note: '' } };
    expect(columns.map((c) => cellText(c, record, ctx))).toEqual(['企业', '否', '1,234,567.50', '12.4%', '12', '—']);
    expect(cellText(columns[0]!, record, { ...ctx, locale: 'en' })).toBe('Enterprise');
    expect(columnLabel(columns[0]!, 'en')).toBe('Type');
    expect(columns.map((c) => c.align)).toEqual(['left', 'center', 'right', 'right', 'right', 'left']);
  });

  it('shows the names the server resolved for user links and references', () => {
    const { columns } = buildRecordColumns(
      form({
        fields: [
          { key: 'owner', type: 'user', label: '负责人' },
          { key: 'customer', type: 'reference', label: '客户', reference: { form: 'customer' } },
        ],
      }),
    );
    const id = '0194f7a2-0000-7000-8000-000000000001';
    const record = { data: { owner: id, customer: id }, labels: { owner: '业务员小王', customer: null } };
    expect(columns.map((c) => cellText(c, record, ctx))).toEqual(['业务员小王', '0194f7a2…']);
  });

  it('fits widths to header and values, within bounds', () => {
    const { columns } = buildRecordColumns(form({ fields: [{ key: 'name', type: 'text', label: '名称' }] }));
    const narrow = fitColumnWidths(columns, [{ data: { name: 'A' } }], ctx).name!;
    const wide = fitColumnWidths(columns, [{ data: { name: '上海王氏精密机械有限公司' } }], ctx).name!;
    const huge = fitColumnWidths(columns, [{ data: { name: '很'.repeat(200) } }], ctx).name!;
    expect(narrow).toBeGreaterThanOrEqual(80);
    expect(wide).toBeGreaterThan(narrow);
    expect(huge).toBe(320);
  });
});
