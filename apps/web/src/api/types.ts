/** Text the server may send either plain or per locale. */
export type LocalizedText = string | { 'zh-CN': string; en?: string; [locale: string]: string | undefined };
