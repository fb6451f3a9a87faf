/**
 * Sends one request to the flex management API: the API key, the deadline, the retries of
 * `retry-policy.ts`, and the mapping of every failure to a `PassageError`.
 */
import { isServerErrorCode, PassageError, type ServerErrorCode } from './errors.ts';
import type { ResolvedOptions } from './options.ts';
import {
  type AttemptOutcome,
  backoffDelay,
  type Method,
  mayHaveActed,
  shouldRetry,
} from './retry-policy.ts';
import { ShapeError } from './wire.ts';

/** One request, relative to `<baseUrl>/v1/apps/<appId>`. */
export interface RequestSpec {
  method: Method;
  /** Starts with `/`; path segments already encoded. */
  path: string;
  query?: Record<string, string>;
  body?: Record<string, unknown>;
  /**
   * An error code that, after an earlier attempt which may have acted, means that attempt did
   * what was asked (a revoke whose retry finds the device gone).
   */
  doneWhenRetryAnswers?: ServerErrorCode;
  /** Words for error messages: "create a register transaction". */
  action: string;
  /**
   * Read a 404 `not_found` (a route's "there is nothing here", not an unknown app) as an answer:
   * `send` then resolves with null.
   */
  nullWhenNotFound?: boolean;
}

type Attempt =
  | { kind: 'response'; status: number; retryAfter: string | null; text: string }
  | { kind: 'failure'; connectionRefused: boolean; error: unknown };

function errorCodeOf(value: unknown): unknown {
  return typeof value === 'object' && value !== null && 'code' in value ? value.code : undefined;
}

/** Whether a fetch failure is a refused connection, where nothing reached the server. */
function isConnectionRefused(error: unknown): boolean {
  const cause = error instanceof Error ? error.cause : undefined;
  if (errorCodeOf(cause) === 'ECONNREFUSED') return true;
  // `localhost` resolves to several addresses; undici then reports each refusal.
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    return cause.errors.every((e) => errorCodeOf(e) === 'ECONNREFUSED');
  }
  return false;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; error: unknown } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, error };
  }
}

/**
 * The transport of one `PassageFlex` instance.
 *
 * @example
 * const http = new HttpClient(resolveOptions({ appId, apiKey, baseUrl }));
 * const externalId = await http.send(
 *   { method: 'POST', path: '/authenticate/verify', body: { nonce }, action: 'verify a nonce' },
 *   (body) => text(object(body), 'external_id'),
 * );
 */
export class HttpClient {
  readonly #options: ResolvedOptions;

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  /**
   * Sends the request, retrying where that is safe, and resolves with what `read` makes of the
   * JSON body of the success (`undefined` when the body was empty).
   */
  async send<T>(spec: RequestSpec, read: (body: unknown) => T): Promise<T> {
    const started = performance.now();
    const deadline = AbortSignal.timeout(this.#options.timeoutMs);
    let acted = false;
    for (let retry = 0; ; retry++) {
      const attempt = await this.#attempt(spec, deadline);
      if (attempt.kind === 'failure' && deadline.aborted) {
        throw new PassageError({
          errorCode: 'timeout',
          message: `latchkey did not answer within ${this.#options.timeoutMs} ms (${spec.action})`,
          cause: attempt.error,
        });
      }
      const outcome: AttemptOutcome =
        attempt.kind === 'response'
          ? { kind: 'response', status: attempt.status, retryAfter: attempt.retryAfter }
          : { kind: 'failure', connectionRefused: attempt.connectionRefused };
      if (retry < this.#options.retries && shouldRetry(spec.method, outcome)) {
        const delay = backoffDelay(retry, outcome.kind === 'response' ? outcome.retryAfter : null);
        const remaining = this.#options.timeoutMs - (performance.now() - started);
        // Waiting past the deadline would turn a clear answer (a 503) into a bare timeout.
        if (delay < remaining) {
          acted ||= mayHaveActed(outcome);
          await sleep(delay);
          continue;
        }
      }
      const body = this.#finish(spec, attempt, acted);
      try {
        return read(body);
      } catch (error) {
        if (!(error instanceof ShapeError)) throw error;
        throw new PassageError({
          errorCode: 'unexpected_response',
          statusCode: attempt.kind === 'response' ? attempt.status : 0,
          message: `${error.message} (${spec.action})`,
          cause: error,
        });
      }
    }
  }

  async #attempt(spec: RequestSpec, signal: AbortSignal): Promise<Attempt> {
    const url = new URL(`${this.#options.appUrl}${spec.path}`);
    for (const [name, value] of Object.entries(spec.query ?? {})) {
      url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${this.#options.apiKey}`,
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.#options.fetch(url, {
        method: spec.method,
        headers,
        signal,
        ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
      });
      // The body is read under the same deadline: a server that sends headers and then stalls
      // times out too.
      const text = await response.text();
      return {
        kind: 'response',
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        text,
      };
    } catch (error) {
      return { kind: 'failure', connectionRefused: isConnectionRefused(error), error };
    }
  }

  /** The parsed JSON body of a success; throws the `PassageError` of anything else. */
  #finish(spec: RequestSpec, attempt: Attempt, acted: boolean): unknown {
    if (attempt.kind === 'failure') {
      throw new PassageError({
        errorCode: 'network_error',
        message: `could not reach latchkey at ${this.#options.appUrl} (${spec.action})`,
        cause: attempt.error,
      });
    }
    const parsed = parseJson(attempt.text);
    if (attempt.status >= 200 && attempt.status < 300) {
      if (!parsed.ok) {
        throw new PassageError({
          errorCode: 'unexpected_response',
          statusCode: attempt.status,
          message: `latchkey answered ${attempt.status} with a body that is not JSON (${spec.action})`,
          cause: parsed.error,
        });
      }
      return parsed.value;
    }
    const code = parsed.ok ? errorCodeOf(parsed.value) : undefined;
    if (spec.nullWhenNotFound && attempt.status === 404 && code === 'not_found') return null;
    if (!isServerErrorCode(code)) {
      throw new PassageError({
        errorCode: 'unexpected_response',
        statusCode: attempt.status,
        message: `latchkey answered ${attempt.status} without a known error code (${spec.action})`,
        ...(parsed.ok ? {} : { cause: parsed.error }),
      });
    }
    if (acted && code === spec.doneWhenRetryAnswers) return undefined;
    const message =
      parsed.ok &&
      typeof parsed.value === 'object' &&
      parsed.value !== null &&
      'error' in parsed.value &&
      typeof parsed.value.error === 'string'
        ? parsed.value.error
        : code;
    throw new PassageError({ errorCode: code, statusCode: attempt.status, message });
  }
}
