import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID, scrypt } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../logger.js";
import type { AccessTokenValue, SharedTokens, TokenScope } from "../sources/shared-tokens.js";
import { redisReady, type Redis } from "./connection.js";

/** How long a replica holds the fetch lock at most: longer than a token fetch can take (the auth call's timeout). */
const LOCK_MS = 15_000;
/** How often a replica waiting for another's fetch looks for the token. */
const POLL_MS = 20;
/** Deletes the lock only if it is still ours (it may have expired and been taken by another replica). */
const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;
/** Deletes the token only if it is still the refused one (its hash prefix matches). */
const REJECT = `local v = redis.call("get", KEYS[1]) if v and string.sub(v, 1, #ARGV[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * Access tokens in Redis, one key per vendor instance and credential (`tokens:<scope id>`), fetched under a lock
 * (`SET NX PX`), so replicas never fetch two at once. The value is encrypted (AES-256-GCM) with a key derived from
 * the credential (scrypt, once per scope): Redis and its backups hold nothing a reader without the vendor
 * credential can use. Any Redis failure falls back to fetching locally: a token fetch too many is better than an
 * operation failed.
 */
export class RedisTokenCache implements SharedTokens {
  private readonly keys = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
  ) {}

  async obtain(
    scope: TokenScope,
    usable: (token: AccessTokenValue) => boolean,
    fetch: () => Promise<AccessTokenValue>,
  ): Promise<AccessTokenValue> {
    if (!redisReady(this.redis)) return fetch();
    const tokenKey = `tokens:${scope.id}`;
    const lockKey = `tokens-lock:${scope.id}`;
    const deadline = Date.now() + LOCK_MS;
    for (;;) {
      let lockId: string | undefined;
      try {
        const shared = await this.read(scope, tokenKey);
        if (shared && usable(shared)) return shared;
        lockId = randomUUID();
        if ((await this.redis.set(lockKey, lockId, "PX", LOCK_MS, "NX")) !== "OK") lockId = undefined;
        else {
          // Another replica may have stored a token between our read and our lock.
          const again = await this.read(scope, tokenKey);
          if (again && usable(again)) {
            await this.release(lockKey, lockId);
            return again;
          }
        }
      } catch (error) {
        if (lockId) await this.release(lockKey, lockId);
        this.logger.warn({ err: error, source: scope.id }, "shared token cache unavailable; fetching a token locally");
        return fetch();
      }
      if (lockId) {
        try {
          const token = await fetch();
          await this.write(scope, tokenKey, token).catch((error: unknown) =>
            this.logger.warn({ err: error, source: scope.id }, "could not share a fetched token"),
          );
          return token;
        } finally {
          await this.release(lockKey, lockId);
        }
      }
      // Another replica is fetching: wait for its token. If it takes longer than its lock, fetch ourselves.
      if (Date.now() > deadline) return fetch();
      await sleep(POLL_MS);
    }
  }

  async reject(scope: TokenScope, value: string): Promise<void> {
    await this.redis.eval(REJECT, 1, `tokens:${scope.id}`, `${tokenHash(value)}.`).catch(() => {});
  }

  private async release(lockKey: string, lockId: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, lockKey, lockId).catch(() => {});
  }

  private async read(scope: TokenScope, tokenKey: string): Promise<AccessTokenValue | undefined> {
    const stored = await this.redis.get(tokenKey);
    if (stored === null) return undefined;
    const sealed = stored.slice(stored.indexOf(".") + 1);
    try {
      const raw = Buffer.from(sealed, "base64url");
      const decipher = createDecipheriv("aes-256-gcm", await this.keyOf(scope), raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
      const token = JSON.parse(plain) as AccessTokenValue;
      return typeof token.value === "string" && typeof token.expiresAt === "number" ? token : undefined;
    } catch {
      // Sealed with another credential (rotated) or damaged: as if absent, and overwritten by the next fetch.
      return undefined;
    }
  }

  private async write(scope: TokenScope, tokenKey: string, token: AccessTokenValue): Promise<void> {
    const ttl = token.expiresAt - Date.now();
    if (ttl <= 0) return;
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", await this.keyOf(scope), iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(token), "utf8"), cipher.final()]);
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
    await this.redis.set(tokenKey, `${tokenHash(token.value)}.${sealed}`, "PX", ttl);
  }

  /**
   * scrypt makes guessing a password-derived key from a stolen Redis dump slow; done once per scope, on the
   * thread pool (the synchronous form would stall every request for tens of milliseconds).
   */
  private keyOf(scope: TokenScope): Promise<Buffer> {
    // Keyed by the secret too: the same instance with a rotated credential must not use the old key.
    const cacheKey = `${scope.id}\u0000${scope.secret}`;
    let key = this.keys.get(cacheKey);
    if (!key) {
      key = new Promise<Buffer>((resolve, reject) =>
        scrypt(scope.secret, `license-gateway tokens ${scope.id}`, 32, (error, derived) => (error ? reject(error) : resolve(derived))),
      );
      this.keys.set(cacheKey, key);
    }
    return key;
  }
}

/** Identifies a token for compare-and-delete without storing it in the clear. */
function tokenHash(value: string): string {
  return createHash("sha256").update(value).digest("base64url").slice(0, 22);
}
