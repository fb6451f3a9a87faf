/** The DOMException names navigator.credentials.create()/get() reject with. */
export type WebAuthnErrorName = 'InvalidStateError' | 'NotAllowedError' | 'NotSupportedError';

/**
 * Creates the error a browser would reject with. A DOMException (an Error subclass in Node) so
 * code written against browser behaviour (`err.name === 'NotAllowedError'`) works unchanged.
 *
 * @example
 * throw webAuthnError('NotAllowedError', 'No matching credential');
 */
export function webAuthnError(name: WebAuthnErrorName, message: string): DOMException {
  return new DOMException(message, name);
}
