import { Type } from '@sinclair/typebox';

/**
 * The querystring of a passkey revocation: `acknowledge_prf_loss=true` revokes even the user's last
 * passkey with PRF enabled. Querystrings are text, and the edge coerces nothing, hence the words.
 */
export const RevokeQuery = Type.Object({
  acknowledge_prf_loss: Type.Optional(
    Type.Union([Type.Literal('true'), Type.Literal('false')], {
      description:
        'true: revoke even the user’s last passkey with PRF enabled, losing what the app encrypted with keys derived from it',
    }),
  ),
});

/** Whether a revocation's querystring acknowledges the loss of PRF keys. */
export function acknowledgesPrfLoss(query: { acknowledge_prf_loss?: 'true' | 'false' }): boolean {
  return query.acknowledge_prf_loss === 'true';
}
