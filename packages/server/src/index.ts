export { BODY_LIMIT_BYTES, type BuildServerOptions, buildServer } from './app.ts';
export { FLEX_ERROR_CODES, FLEX_ERRORS } from './surfaces/flex/flex-errors.ts';
