import { describe, expect, it } from 'vitest';
import { isAppLocale, localize } from './localize';

describe('localize', () => {
  it('returns plain strings as they are', () => {
    expect(localize('客户档案', 'en')).toBe('客户档案');
  });

  it('picks the locale, then zh-CN, then anything', () => {
    expect(localize({ 'zh-CN': '客户档案', en: 'Customers' }, 'en')).toBe('Customers');
    expect(localize({ 'zh-CN': '客户档案' }, 'en')).toBe('客户档案');
    expect(localize({ 'zh-CN': '', en: 'Customers' }, 'zh-CN')).toBe('Customers');
  });

  it('renders nothing for missing text', () => {
    expect(localize(undefined, 'zh-CN')).toBe('');
    expect(localize(null, 'zh-CN')).toBe('');
  });

  it('knows the supported locales', () => {
    expect(isAppLocale('en')).toBe(true);
    expect(isAppLocale('fr')).toBe(false);
  });
});
