import type { Locale, LocalizedText } from '../types.js';

export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** Resolves a localized text; English falls back to the Chinese text when no translation exists. */
export function localize(text: LocalizedText | undefined, locale: Locale = DEFAULT_LOCALE): string {
  if (text === undefined) return '';
  if (typeof text === 'string') return text;
  if (locale === 'en' && text.en) return text.en;
  return text['zh-CN'];
}

/** Picks 'en' or 'zh-CN' from an Accept-Language header value or locale tag; zh-CN by default. */
export function resolveLocale(header: string | null | undefined): Locale {
  if (!header) return DEFAULT_LOCALE;
  const tags = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((t) => t.tag && t.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of tags) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return DEFAULT_LOCALE;
}
