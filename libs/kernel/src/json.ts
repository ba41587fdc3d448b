// The JSON.parse guard alone, for code that runs outside Node (the admin app in a browser, whose
// engine may have the same bug): the main entry point pulls in Node-only modules.
export { engineMisreadsEscapedKeys, installJsonParseGuard, parseJson } from './lib/json/json-parse-guard';
export type { JsonReviver } from './lib/json/json-token-parse';
