import { translate, type Locale, type MessageKey } from '../../common/i18n.js';
import type { NonPublicReason } from './webhook-address.js';

/**
 * Why a delivery attempt failed, as a code with parameters (stored with the attempt and rendered
 * in the reader's language) next to the raw detail (the status line, Node's error code or
 * message) that stays available for whoever debugs the receiver.
 */
export const DELIVERY_ERROR_CODES = [
  'http_status',
  'timeout',
  'refused_target',
  'connection_refused',
  'connection_reset',
  'dns_failed',
  'unreachable',
  'tls_failed',
  'bad_port',
  'webhook_disabled',
  'network',
] as const;
export type DeliveryErrorCode = (typeof DELIVERY_ERROR_CODES)[number];
export type DeliveryErrorParams = Record<string, string | number>;

export interface DeliveryError {
  code: DeliveryErrorCode;
  params: DeliveryErrorParams;
  /** The raw detail, as the delivery log has always shown it. */
  detail: string;
}

const REASONS: ReadonlySet<string> = new Set<NonPublicReason>(['unspecified', 'loopback', 'private', 'shared', 'link-local', 'unique-local', 'multicast', 'documentation', 'reserved']);

export function httpStatusError(status: number): DeliveryError {
  return { code: 'http_status', params: { status }, detail: `HTTP ${status}` };
}

export function timeoutError(ms: number): DeliveryError {
  return { code: 'timeout', params: { ms }, detail: `timeout after ${ms} ms` };
}

export function refusedTargetError(address: string, reason: string, detail: string): DeliveryError {
  return { code: 'refused_target', params: { address, reason }, detail };
}

export function disabledError(): DeliveryError {
  return { code: 'webhook_disabled', params: {}, detail: 'webhook disabled' };
}

function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function portOf(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

/** A failed request (no HTTP answer) by Node's error code; the raw detail is the code, else the message. */
export function networkError(err: Error, url: URL): DeliveryError {
  const codeOf = (e: unknown) => (typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'string' ? (e as { code: string }).code : undefined);
  const code = codeOf(err) ?? codeOf(err.cause);
  const detail = code ?? err.message;
  return { ...classifyNetwork(code, err.message, url), detail };
}

function classifyNetwork(code: string | undefined, message: string, url: URL): { code: DeliveryErrorCode; params: DeliveryErrorParams } {
  const host = hostOf(url);
  switch (code) {
    case 'ECONNREFUSED':
      return { code: 'connection_refused', params: { host, port: portOf(url) } };
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return { code: 'connection_reset', params: { host } };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return { code: 'dns_failed', params: { host } };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'ETIMEDOUT':
      return { code: 'unreachable', params: { host } };
    case 'ERR_SOCKET_BAD_PORT':
      return { code: 'bad_port', params: { port: url.port || portOf(url) } };
  }
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|^ERR_TLS_|^ERR_SSL_|^EPROTO$/.test(code)) return { code: 'tls_failed', params: { host } };
  if (/bad port/i.test(message)) return { code: 'bad_port', params: { port: url.port || portOf(url) } };
  return { code: 'network', params: { host } };
}

/**
 * Attempts logged before codes were stored carry only the raw text: the same codes are read back
 * from it (params as far as the text tells; the URL of the webhook supplies the host and port).
 */
export function legacyDeliveryError(raw: string, url: string | null): { code: DeliveryErrorCode; params: DeliveryErrorParams } {
  const http = /^HTTP (\d{3})$/.exec(raw);
  if (http) return { code: 'http_status', params: { status: Number(http[1]) } };
  const timeout = /^timeout after (\d+) ms$/.exec(raw);
  if (timeout) return { code: 'timeout', params: { ms: Number(timeout[1]) } };
  const refused = /^refused: (.+) is an? ([a-z-]+) address/.exec(raw);
  if (refused) return { code: 'refused_target', params: { address: refused[1]!, reason: refused[2]! } };
  if (raw === 'webhook disabled') return { code: 'webhook_disabled', params: {} };
  let parsed: URL;
  try {
    parsed = new URL(url ?? 'http://unknown.invalid/');
  } catch {
    parsed = new URL('http://unknown.invalid/');
  }
  return classifyNetwork(/^[A-Z][A-Z0-9_]+$/.test(raw) ? raw : undefined, raw, parsed);
}

/** The message of a stored error in `locale`. */
export function deliveryErrorMessage(code: string, params: DeliveryErrorParams, locale: Locale): string {
  const known = (DELIVERY_ERROR_CODES as readonly string[]).includes(code) ? (code as DeliveryErrorCode) : 'network';
  const filled: Record<string, unknown> = { ...params };
  if (known === 'refused_target') {
    const reason = String(params.reason ?? 'reserved');
    filled.reason = translate(`webhooks.address.${REASONS.has(reason) ? reason : 'reserved'}` as MessageKey, locale);
  }
  if (filled.host === undefined) filled.host = '—';
  return translate(`webhooks.error.${known}` as MessageKey, locale, filled);
}
