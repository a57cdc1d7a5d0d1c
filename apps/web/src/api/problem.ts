/** One entry of a problem+json `errors[]` (ajv-shaped, rendered by the server). */
export interface ProblemFieldError {
  path: string;
  keyword: string;
  message: string;
  params?: Record<string, unknown>;
}

/** RFC 9457 problem details as the Credo API sends them. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  /** Stable machine code, e.g. `records.stale`, `records.duplicate`. */
  code?: string;
  errors?: ProblemFieldError[];
}

/**
 * Every non-2xx answer (and every network failure) becomes one ApiError, so views show
 * `problem.detail` where it belongs instead of guessing at response shapes.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: ProblemDetails;

  constructor(problem: ProblemDetails) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  /** status 0 means the request never got an HTTP answer. */
  get isNetworkError(): boolean {
    return this.status === 0;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a problem body defensively: a proxy or a crash may answer with HTML or nothing. */
export function toProblem(status: number, statusText: string, body: unknown): ProblemDetails {
  if (isRecord(body)) {
    const errors = Array.isArray(body.errors)
      ? body.errors.filter(isRecord).map((e) => ({
          path: String(e.path ?? ''),
          keyword: String(e.keyword ?? ''),
          message: String(e.message ?? ''),
          params: isRecord(e.params) ? e.params : undefined,
        }))
      : undefined;
    return {
      type: typeof body.type === 'string' ? body.type : 'about:blank',
      title: typeof body.title === 'string' ? body.title : statusText || `HTTP ${status}`,
      status: typeof body.status === 'number' ? body.status : status,
      detail: typeof body.detail === 'string' ? body.detail : undefined,
      ...(typeof body.code === 'string' ? { code: body.code } : {}),
      errors,
    };
  }
  return { type: 'about:blank', title: statusText || `HTTP ${status}`, status };
}

/**
 * Field messages of a problem keyed by top-level field (JSON Pointer "/email" -> "email";
 * nested paths keep their pointer after the first segment, e.g. "lines/0/qty"), first one wins.
 */
export function errorsByField(problem: ProblemDetails | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const error of problem?.errors ?? []) {
    const key = error.path.replace(/^\//, '');
    if (key && !(key in out)) out[key] = error.message;
  }
  return out;
}
