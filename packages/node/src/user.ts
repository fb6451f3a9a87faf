/** `passage.user`: a user and their passkeys, found by your external id. */
import { PassageError } from './errors.ts';
import type { HttpClient } from './http-client.ts';
import type { PassageUser, RevokeDeviceOptions, WebAuthnDevice } from './models.ts';
import { requireExternalId, requireText } from './require-text.ts';
import { array, object, text, toDevice, toUser } from './wire.ts';

/**
 * Reads users and their passkeys and revokes passkeys, as `passage.user` of passage-flex-node
 * 1.x. Every method first resolves the external id to latchkey's user id
 * (`GET …/users?identifier=<externalId>&limit=1`); an unknown external id rejects with
 * `user_not_found` (404).
 *
 * @example
 * const user = await passage.user.get('user-42');
 * const devices = await passage.user.listDevices('user-42');
 * await passage.user.revokeDevice('user-42', devices[0].id);
 */
export class User {
  readonly #http: HttpClient;

  constructor(http: HttpClient) {
    this.#http = http;
  }

  /**
   * The user with this external id, with their passkeys.
   *
   * @example
   * const user = await passage.user.get('user-42');
   * console.log(user.loginCount, user.webauthnDevices.length);
   */
  async get(externalId: string): Promise<PassageUser> {
    const userId = await this.#resolve(externalId);
    return this.#http.send(
      { method: 'GET', path: `/users/${encodeURIComponent(userId)}`, action: 'get a user' },
      (body) => toUser(object(body, 'user')),
    );
  }

  /**
   * The passkeys of the user with this external id, oldest first.
   *
   * @example
   * const devices = await passage.user.listDevices('user-42');
   * const synced = devices.filter((d) => d.backupState);
   */
  async listDevices(externalId: string): Promise<WebAuthnDevice[]> {
    const userId = await this.#resolve(externalId);
    return this.#http.send(
      {
        method: 'GET',
        path: `/users/${encodeURIComponent(userId)}/devices`,
        action: "list a user's devices",
      },
      (body) => array(object(body), 'devices').map(toDevice),
    );
  }

  /**
   * Revokes one passkey of the user with this external id; `deviceId` is a device's `id` (not
   * its `credId`). Rejects with `device_not_found` (404) when the user has no such device, and
   * `operation_not_allowed` (403) when it is their last and the app forbids removing that, or
   * (409) when it is their last passkey with PRF enabled and `acknowledgePrfLoss` is not set.
   *
   * @example
   * await passage.user.revokeDevice('user-42', device.id);
   */
  async revokeDevice(
    externalId: string,
    deviceId: string,
    options: RevokeDeviceOptions = {},
  ): Promise<void> {
    const device = requireText(deviceId, 'deviceId');
    const userId = await this.#resolve(externalId);
    await this.#http.send(
      {
        method: 'DELETE',
        path: `/users/${encodeURIComponent(userId)}/devices/${encodeURIComponent(device)}`,
        ...(options.acknowledgePrfLoss === true ? { query: { acknowledge_prf_loss: 'true' } } : {}),
        doneWhenRetryAnswers: 'device_not_found',
        action: 'revoke a device',
      },
      // The contract leaves the body of a revoke to the server; the SDKs ignore it.
      () => undefined,
    );
  }

  /** latchkey's id for the user with this external id, or `user_not_found`. */
  async #resolve(externalId: string): Promise<string> {
    const wanted = requireExternalId(externalId, 'externalId');
    return this.#http.send(
      {
        method: 'GET',
        path: '/users',
        query: { identifier: wanted, limit: '1' },
        action: 'find a user by external id',
      },
      (body) => {
        const [first] = array(object(body), 'users');
        // The listing is a search; only an exact match is the user asked for.
        if (first === undefined || text(object(first), 'external_id') !== wanted) {
          throw new PassageError({
            errorCode: 'user_not_found',
            statusCode: 404,
            message: 'no user with that external id',
          });
        }
        return text(object(first), 'id');
      },
    );
  }
}
