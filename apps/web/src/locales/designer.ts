import { i18n } from './index';
import zhCN from './langs/designer.zh-CN';
import en from './langs/designer.en';

/*
 * The designers' strings, merged into the global messages when a designer chunk loads: they
 * stay out of the login page's bundle. Import this module from every designer view.
 */
i18n.global.mergeLocaleMessage('zh-CN', zhCN as never);
i18n.global.mergeLocaleMessage('en', en as never);

export const designerMessagesLoaded = true;
