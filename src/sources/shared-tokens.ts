/**
 * Vendor access tokens shared by the replicas of one gateway (implemented over Redis in
 * src/redis/redis-token-cache.ts). A source that fetches tokens asks through this, so that one replica fetches
 * and the others reuse: a burst across replicas after a token expired costs the vendor one token fetch.
 */

export interface AccessTokenValue {
  value: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Which token: names the source instance and its credential without revealing it, plus what protects it. */
export interface TokenScope {
  /** Not secret: the source id and a fingerprint of the auth host and account (never a password or token). */
  id: string;
  /** The credential the token was obtained with: the shared copy is encrypted with a key derived from it. */
  secret: string;
}

export interface SharedTokens {
  /**
   * A usable token: the shared one when `usable` accepts it, else `fetch`ed by exactly one replica at a time
   * (under a lock every replica honours) and shared. When the shared store cannot be used, calls `fetch` itself.
   */
  obtain(
    scope: TokenScope,
    usable: (token: AccessTokenValue) => boolean,
    fetch: () => Promise<AccessTokenValue>,
  ): Promise<AccessTokenValue>;
  /** The vendor refused `value`: drop the shared copy if it is still that token (a newer one is kept). */
  reject(scope: TokenScope, value: string): Promise<void>;
}
