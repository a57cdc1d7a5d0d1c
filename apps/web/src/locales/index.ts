import { createI18n } from 'vue-i18n';
import zhCN from './langs/zh-CN';
import en from './langs/en';
import creditZhCN from './langs/credit.zh-CN';
import creditEn from './langs/credit.en';
import workspaceZhCN from './langs/workspace.zh-CN';
import workspaceEn from './langs/workspace.en';
import webhooksZhCN from './langs/webhooks.zh-CN';
import webhooksEn from './langs/webhooks.en';
import importsZhCN from './langs/imports.zh-CN';
import importsEn from './langs/imports.en';
import collectionZhCN from './langs/collection.zh-CN';
import collectionEn from './langs/collection.en';
import { DEFAULT_LOCALE, isAppLocale, type AppLocale } from './localize';

export * from './localize';

/** Area modules (credit.*) are merged in at the top level; en is typed against zh-CN. */
const zhMessages = { ...zhCN, ...creditZhCN, ...workspaceZhCN, ...webhooksZhCN, ...importsZhCN, ...collectionZhCN };
const enMessages: typeof zhMessages = { ...en, ...creditEn, ...workspaceEn, ...webhooksEn, ...importsEn, ...collectionEn };

export type MessageSchema = typeof zhMessages;

const LOCALE_KEY = 'credo.locale';

function initialLocale(): AppLocale {
  try {
    const saved = localStorage.getItem(LOCALE_KEY);
    if (isAppLocale(saved)) return saved;
  } catch {
    // storage may be disabled; the default is fine
  }
  return DEFAULT_LOCALE;
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhMessages, en: enMessages },
  missingWarn: false,
  fallbackWarn: false,
});

export function currentLocale(): AppLocale {
  return i18n.global.locale.value;
}

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
  try {
    localStorage.setItem(LOCALE_KEY, locale);
  } catch {
    // not persisted; still switched for this tab
  }
}

document.documentElement.lang = currentLocale();
