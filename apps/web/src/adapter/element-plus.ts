import { ElMessage } from 'element-plus';
import 'element-plus/es/components/message/style/css';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import en from 'element-plus/es/locale/lang/en';
import type { Language } from 'element-plus/es/locale';
import type { AppLocale } from '../locales/localize';

/** Element Plus's own strings (pagination, empty, date pickers) follow the app locale. */
export const elementLocales: Record<AppLocale, Language> = { 'zh-CN': zhCn, en };

export function toastError(message: string): void {
  ElMessage({ type: 'error', message, grouping: true, showClose: true });
}

export function toastWarning(message: string): void {
  ElMessage({ type: 'warning', message, grouping: true });
}

export function toastSuccess(message: string): void {
  ElMessage({ type: 'success', message, grouping: true });
}
