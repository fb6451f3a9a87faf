/** This SDK's version, sent as `Passage-Flex-Version` the way passage-flex-js sent its own. */
export const SDK_VERSION = 'latchkey-browser/0.1.0';
