import type { FastifyRequest } from 'fastify';

/**
 * The user part of `Authorization: Basic …`: everything before the first colon of the decoded
 * value, or all of it where there is no colon (the browser SDK's tenant scheme sends none).
 */
export function basicUser(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !/^Basic\s+/i.test(header)) return null;
  const encoded = header.replace(/^Basic\s+/i, '').trim();
  if (encoded.length === 0 || encoded.length > 1024) return null;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? decoded : decoded.slice(0, colon);
}

/** The token of `Authorization: Bearer …`, or null. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string' || !/^Bearer\s+/i.test(header)) return null;
  const token = header.replace(/^Bearer\s+/i, '').trim();
  return token.length > 0 ? token : null;
}

/** The tenant id (app id) of the client API's Basic scheme: `base64(encodeURIComponent(id))`. */
export function tenantId(request: FastifyRequest): string | null {
  const user = basicUser(request);
  if (user === null) return null;
  try {
    return decodeURIComponent(user);
  } catch {
    return null;
  }
}
