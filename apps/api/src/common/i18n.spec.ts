import { describe, expect, it } from 'vitest';
import { localeFromHeader, translate } from './i18n.js';

describe('localeFromHeader', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['fr-FR, en;q=0.5', 'en'],
    ['fr-FR', 'zh-CN'],
    ['zh;q=0.2, en;q=0.8', 'en'],
    ['en;q=0, zh', 'zh-CN'],
    ['*', 'zh-CN'],
  ])('%s -> %s', (header, locale) => {
    expect(localeFromHeader(header)).toBe(locale);
  });
});

describe('translate', () => {
  it('fills parameters and keeps unknown ones visible', () => {
    expect(translate('forms.not_found', 'zh-CN', { key: 'x' })).toBe('表单“x”不存在');
    expect(translate('forms.not_found', 'en', {})).toBe('Form "{key}" does not exist');
  });
});
