/** The SDK's entry point. */
export declare const ENTRY: string;
/** The global name the script-tag build defines. */
export declare const GLOBAL_NAME: 'Latchkey';
/**
 * Builds the SDK and returns its code.
 *
 * @example
 * const iife = await bundleLatchkey({ format: 'iife' }); // defines window.Latchkey
 */
export declare function bundleLatchkey(options?: {
  format?: 'iife' | 'esm';
  minify?: boolean;
}): Promise<string>;
