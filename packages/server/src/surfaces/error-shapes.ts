/**
 * Which surface a URL belongs to, for the errors Fastify raises before a route is found (an unknown
 * route, a path segment over the router's limit, a malformed URL): they leave in the shape of the
 * surface the caller was talking to.
 */
import type { SurfaceErrorShape } from '../http/surface-error-handler.ts';
import {
  ACTIONS_CLIENT_ERROR_SHAPE,
  ACTIONS_SERVER_ERROR_SHAPE,
} from './actions/actions-errors.ts';
import { ADMIN_ERROR_SHAPE, ADMIN_ERROR_STATUS } from './admin/admin-errors.ts';
import { FLEX_ERROR_SHAPE } from './flex/flex-errors.ts';

/**
 * Health checks, metrics, the API description and the console. Their errors are
 * `{"code", "error"}`; a core error does not reach them, but every code still has an answer.
 */
export const SYSTEM_ERROR_SHAPE: SurfaceErrorShape = {
  name: 'system',
  core: (code) => ({ status: ADMIN_ERROR_STATUS[code], code }),
  http: {
    invalid_request: 'invalid_request',
    payload_too_large: 'payload_too_large',
    uri_too_long: 'uri_too_long',
    not_found: 'not_found',
    unavailable: 'unavailable',
    internal_error: 'internal_error',
  },
  body: (code, message) => ({ code, error: message }),
};

/** URL prefixes and their surfaces, the most specific first. */
const PREFIXES: ReadonlyArray<readonly [string, SurfaceErrorShape]> = [
  ['/admin/v1/', ADMIN_ERROR_SHAPE],
  ['/v1/apps/', FLEX_ERROR_SHAPE],
  ['/v1/client/', ACTIONS_CLIENT_ERROR_SHAPE],
  ['/v1/', ACTIONS_SERVER_ERROR_SHAPE],
];

/**
 * The error shape of the surface a URL belongs to.
 *
 * @example
 * errorShapeForUrl('/v1/users/ada/actions/transfer') // ACTIONS_SERVER_ERROR_SHAPE
 */
export function errorShapeForUrl(url: string): SurfaceErrorShape {
  const path = url.split('?')[0] ?? '';
  for (const [prefix, shape] of PREFIXES) {
    if (path.startsWith(prefix) || `${path}/` === prefix) return shape;
  }
  return SYSTEM_ERROR_SHAPE;
}
