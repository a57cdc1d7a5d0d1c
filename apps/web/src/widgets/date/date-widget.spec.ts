import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../api/forms';
import { dateWidget } from './index';

const field = { key: 'collected_at', type: 'datetime', label: '催收时间' } as unknown as FieldDefinition;
const at = '2026-11-26T12:00:00Z';

describe('date widget display', () => {
  it('shows a date-time in a table cell the way the other time columns are (2026/11/26 hh:mm)', () => {
    expect(dateWidget.display(at, field, { locale: 'zh-CN', yes: '是', no: '否', compact: true })).toMatch(/^2026\/11\/26 \d{2}:\d{2}$/);
  });

  it('keeps the long form on record pages and plain dates as stored', () => {
    expect(dateWidget.display(at, field, { locale: 'zh-CN', yes: '是', no: '否' })).toMatch(/^2026年11月26日 \d{2}:\d{2}$/);
    expect(dateWidget.display('2026-11-26', { key: 'd', type: 'date' } as unknown as FieldDefinition, { locale: 'en', yes: 'Yes', no: 'No', compact: true })).toBe('2026-11-26');
  });
});
