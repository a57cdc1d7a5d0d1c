import type { Locale, RaisedAlert } from '@credo/form-engine';

/*
 * Alerts are stored with their message in every language the rule gives it in (`messages`,
 * rendered with the record's figures when the rules ran) and `message` in zh-CN, whoever's
 * request ran them: integrations (webhooks, exports) keep reading the Chinese text. A reader gets
 * `message` in their language (Accept-Language / the UI's locale).
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Alerts as stored: `message` in zh-CN (the evaluation may have run in English). */
export function storedAlerts(alerts: RaisedAlert[]): RaisedAlert[] {
  return alerts.map((a) => (a.messages && a.message !== a.messages['zh-CN'] ? { ...a, message: a.messages['zh-CN'] } : a));
}

/** Stored alerts with `message` in `locale` where the alert carries that language (else as stored). */
export function localizeAlerts(alerts: unknown, locale: Locale): unknown[] {
  if (!Array.isArray(alerts)) return [];
  return alerts.map((a) => {
    if (!isRecord(a) || !isRecord(a.messages)) return a;
    const said = a.messages[locale];
    return typeof said === 'string' && said !== a.message ? { ...a, message: said } : a;
  });
}
