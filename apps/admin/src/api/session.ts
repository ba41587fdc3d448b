const KEY = 'strata.apiKey';

/**
 * The API key the admin signs in with, kept for this browser tab only (sessionStorage): closing
 * the tab signs out, and no other site or tab can read it.
 */
export const session = {
  apiKey(): string | null {
    return globalThis.sessionStorage?.getItem(KEY) ?? null;
  },
  signIn(apiKey: string): void {
    globalThis.sessionStorage?.setItem(KEY, apiKey.trim());
  },
  signOut(): void {
    globalThis.sessionStorage?.removeItem(KEY);
  },
};
