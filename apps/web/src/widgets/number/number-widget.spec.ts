import { describe, expect, it } from 'vitest';
import type { FieldDefinition } from '../../api/forms';
import { numberWidget } from './index';

const ctx = { locale: 'zh-CN', yes: '是', no: '否' };
const formula = { key: 'outstanding', type: 'formula', resultType: 'decimal', label: '未收金额' } as unknown as FieldDefinition;

describe('number widget display', () => {
  it('shows a formula decimal with the places the server computed it with (money stays 0.00, not 0)', () => {
    expect(numberWidget.display('7300.00', formula, ctx)).toBe('7,300.00');
    expect(numberWidget.display('0.00', formula, ctx)).toBe('0.00');
    expect(numberWidget.display('1569.79', formula, ctx)).toBe('1,569.79');
    // A value computed without places shows none.
    expect(numberWidget.display('1005', formula, ctx)).toBe('1,005');
  });

  it('keeps money at two places and trims a declared scale', () => {
    expect(numberWidget.display('12', { key: 'm', type: 'money' } as unknown as FieldDefinition, ctx)).toBe('12.00');
    expect(numberWidget.display('3.1400', { key: 'd', type: 'decimal', scale: 4 } as unknown as FieldDefinition, ctx)).toBe('3.14');
  });
});
