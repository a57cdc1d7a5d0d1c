import type { MessageKey } from './i18n.js';

/** One error as a JSON Pointer into the request body or record, with a localized message. */
export interface ProblemFieldError {
  path: string;
  keyword: string;
  message: string;
  params?: Record<string, unknown>;
}

/**
 * The one exception the API throws on purpose. `code` names the problem (and its message),
 * the filter renders it as application/problem+json in the caller's language.
 */
export class AppException extends Error {
  constructor(
    readonly status: number,
    readonly code: MessageKey,
    readonly params: Record<string, unknown> = {},
    readonly errors?: ProblemFieldError[],
    /** Extra members of the problem document (RFC 9457 extensions), e.g. a publish report. */
    readonly extensions?: Record<string, unknown>,
  ) {
    super(code);
  }
}
