import { isLatchkeyErrorCode, LatchkeyError } from './latchkey-error.ts';
import { SDK_VERSION } from './version.ts';

/** The flex error body, with the fields a `discoverable_login_failed` adds. */
export interface FlexErrorBody {
  code?: unknown;
  error?: unknown;
  rp_id?: unknown;
  credential_id?: unknown;
}

/** A server refusal, with its body kept for the Signal API. */
export class FlexRequestError extends LatchkeyError {
  readonly body: FlexErrorBody;

  constructor(error: LatchkeyError, body: FlexErrorBody) {
    super(error.code, error.message, {
      ...(error.status === null ? {} : { status: error.status }),
      ...(error.cause === undefined ? {} : { cause: error.cause }),
    });
    this.body = body;
  }
}

/** Calls one app's flex auth API. */
export interface FlexClient {
  post<T>(path: string, body: unknown, signal: AbortSignal): Promise<T>;
}

/**
 * A client for `{baseUrl}/v1/apps/{appId}/…`. Requests are JSON with `Passage-Flex-Version`, and
 * never carry cookies: the auth API needs none.
 */
export function createFlexClient(options: { appId: string; baseUrl: string }): FlexClient {
  const root = `${options.baseUrl.replace(/\/+$/, '')}/v1/apps/${encodeURIComponent(options.appId)}`;
  return {
    async post<T>(path: string, body: unknown, signal: AbortSignal): Promise<T> {
      let response: Response;
      try {
        response = await fetch(`${root}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Passage-Flex-Version': SDK_VERSION },
          body: JSON.stringify(body),
          credentials: 'omit',
          signal,
        });
      } catch (cause) {
        if (signal.aborted) throw abortReason(signal);
        throw new LatchkeyError('network_error', `could not reach the passkey server: ${root}`, {
          cause,
        });
      }
      let parsed: unknown;
      try {
        parsed = await response.json();
      } catch (cause) {
        if (signal.aborted) throw abortReason(signal);
        const code = response.status >= 500 ? 'internal_server_error' : 'network_error';
        throw new LatchkeyError(code, `the server answered ${response.status} without JSON`, {
          status: response.status,
          cause,
        });
      }
      if (response.ok) return parsed as T;
      const errorBody = (
        typeof parsed === 'object' && parsed !== null ? parsed : {}
      ) as FlexErrorBody;
      const code = isLatchkeyErrorCode(errorBody.code) ? errorBody.code : 'unknown_error';
      const message =
        typeof errorBody.error === 'string'
          ? errorBody.error
          : `server answered ${response.status}`;
      throw new FlexRequestError(
        new LatchkeyError(code, message, { status: response.status }),
        errorBody,
      );
    },
  };
}

function abortReason(signal: AbortSignal): LatchkeyError {
  return signal.reason instanceof LatchkeyError
    ? signal.reason
    : new LatchkeyError('aborted', 'the passkey ceremony was cancelled');
}
