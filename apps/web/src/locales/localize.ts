import type { LocalizedText } from '@/api/types';

export const SUPPORTED_LOCALES = ['zh-CN', 'en'] as const;
export type AppLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = 'zh-CN';

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === 'string' && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/**
 * Picks the text for `locale`, falling back to zh-CN (always present by contract) and then
 * to any non-empty translation, so a half-translated form still shows something readable.
 */
export function localize(text: LocalizedText | null | undefined, locale: string): string {
  if (text === null || text === undefined) return '';
  if (typeof text === 'string') return text;
  const exact = text[locale];
  if (exact) return exact;
  const zh = text['zh-CN'];
  if (zh) return zh;
  for (const value of Object.values(text)) if (value) return value;
  return '';
}
