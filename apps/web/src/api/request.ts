import { ApiError, toProblem } from './problem';

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  body?: unknown;
  signal?: AbortSignal;
  /** Extra request headers (e.g. If-Match for optimistic concurrency). */
  headers?: Record<string, string>;
  /**
   * A 401 normally means "session over" and sends the user to the login page. The login
   * call itself opts out: there a 401 is a wrong password to show on the form.
   */
  skipAuthRedirect?: boolean;
}

export interface HttpClientConfig {
  baseUrl: string;
  getToken: () => string | null;
  getLocale: () => string;
  onUnauthorized: () => void;
}

/** The one HTTP client of the web app; typed API modules sit on top of it. */
export class HttpClient {
  private config: HttpClientConfig;

  constructor(config: HttpClientConfig) {
    this.config = config;
  }

  configure(patch: Partial<HttpClientConfig>): void {
    this.config = { ...this.config, ...patch };
  }

  get<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  patch<T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  delete<T>(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }

  /** Sends a file's bytes as the raw body, with its own content type (e.g. POST /files). */
  upload<T>(path: string, file: Blob, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body: file });
  }

  /** A file the API produces (e.g. a CSV export), as a Blob; errors are ApiErrors as usual. */
  async download(path: string, options: Omit<RequestOptions, 'body'> = {}): Promise<Blob> {
    const response = await this.send('GET', path, options);
    return response.blob();
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    return (await readBody(response)) as T;
  }

  /** Sends a request; a non-2xx answer is thrown as an ApiError (401 also ends the session). */
  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      Accept: 'application/json, application/problem+json',
      'Accept-Language': this.config.getLocale(),
      ...options.headers,
    };
    const token = this.config.getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | Blob | undefined;
    if (options.body instanceof Blob) {
      headers['Content-Type'] = options.body.type || 'application/octet-stream';
      body = options.body;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }

    let response: Response;
    try {
      response = await fetch(this.url(path, options.query), { method, headers, body, signal: options.signal });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
      throw new ApiError({ type: 'about:blank', title: 'Network error', status: 0, detail: String(cause) });
    }

    if (!response.ok) {
      const payload = await readBody(response);
      if (response.status === 401 && !options.skipAuthRedirect) this.config.onUnauthorized();
      throw new ApiError(toProblem(response.status, response.statusText, payload));
    }
    return response;
  }

  private url(path: string, query?: Record<string, QueryValue>): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    return `${this.config.baseUrl}${path}${qs ? `?${qs}` : ''}`;
  }
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

const TOKEN_KEY = 'credo.token';

export const tokenStorage = {
  get(): string | null {
    try {
      return localStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  },
  set(token: string): void {
    localStorage.setItem(TOKEN_KEY, token);
  },
  clear(): void {
    localStorage.removeItem(TOKEN_KEY);
  },
};

/** Wired to the router and the locale in main.ts (the api layer imports neither). */
export const http = new HttpClient({
  baseUrl: '/api',
  getToken: () => tokenStorage.get(),
  getLocale: () => document.documentElement.lang || 'zh-CN',
  onUnauthorized: () => tokenStorage.clear(),
});
