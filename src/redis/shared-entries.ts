import { deserialize, serialize } from "node:v8";
import { redisReady, type Redis } from "./connection.js";
import { TAG_CHANGED_PREFIX } from "./shared-invalidation.js";

/** A vendor answer another replica fetched, as the source cache keeps it. */
export interface SharedEntry {
  value: unknown;
  tags: string[];
  freshUntil: number;
  staleUntil: number;
}

/** The longest a shared entry lives, whatever a source's TTLs say: well within how long tag numbers are kept. */
const MAX_LIFE_MS = 3600_000;
const KEY_PREFIX = "answers:";

/** Lua: whether any of the newline-separated tags was invalidated after stream id `since` ("<ms>-<n>"). */
const CHANGED_SINCE = `
local function after(a, b)
  local am, an = string.match(a, "(%d+)-(%d+)")
  local bm, bn = string.match(b, "(%d+)-(%d+)")
  am, an, bm, bn = tonumber(am), tonumber(an), tonumber(bm), tonumber(bn)
  return am > bm or (am == bm and an > bn)
end
local function changed_since(prefix, tags, since)
  for tag in string.gmatch(tags, "[^\\n]+") do
    local changed = redis.call("get", prefix .. "${TAG_CHANGED_PREFIX}" .. tag)
    if changed and after(changed, since) then return true end
  end
  return false
end`;

/**
 * Reads several entries and returns, for each, nil or {value, tags, freshUntil, staleUntil}: nil also when a tag
 * of the entry was invalidated after the read that stored it began. One round trip for a whole batch.
 * KEYS: the entries. ARGV[1]: the key prefix (for the tags' last invalidations).
 */
const GET = `${CHANGED_SINCE}
local out = {}
for i, key in ipairs(KEYS) do
  local e = redis.call("hmget", key, "v", "t", "g", "f", "s")
  local valid = e[1] ~= false
  if valid and e[2] ~= "" and changed_since(ARGV[1], e[2], e[3]) then valid = false end
  if valid then out[i] = {e[1], e[2], e[4], e[5]} else out[i] = false end
end
return out`;

/**
 * Stores an entry unless one of its tags was invalidated after its read began (the read may predate the change).
 * KEYS[1]: the entry. ARGV: key prefix, value, tags (newline-separated), the stream position the read started at,
 * freshUntil, staleUntil, lifetime ms.
 */
const SET = `${CHANGED_SINCE}
if ARGV[3] ~= "" and changed_since(ARGV[1], ARGV[3], ARGV[4]) then return 0 end
redis.call("hset", KEYS[1], "v", ARGV[2], "t", ARGV[3], "g", ARGV[4], "f", ARGV[5], "s", ARGV[6])
redis.call("pexpire", KEYS[1], ARGV[7])
return 1`;

/**
 * Vendor answers shared by the replicas in Redis, behind each replica's in-memory cache: what one replica fetched,
 * the others reuse instead of calling the vendor again. Entries are checked against the invalidations all
 * replicas publish (src/redis/shared-invalidation.ts): each entry records the invalidation number its read
 * started at, each tag the number of its last invalidation, and an entry with a tag changed since is not served.
 * Values are kept with v8 serialization, so dates stay dates. Redis failures are misses: the vendor is asked.
 */
export class SharedEntries {
  constructor(private readonly redis: Redis) {}

  /** The entries found and still valid, by key. */
  async getMany(keys: readonly string[]): Promise<Map<string, SharedEntry>> {
    const found = new Map<string, SharedEntry>();
    if (keys.length === 0 || !redisReady(this.redis)) return found;
    const prefix = this.redis.options.keyPrefix ?? "";
    // callBuffer: the values are v8-serialized bytes, which a string reply would mangle. ioredis prefixes EVAL's keys.
    const rows = (await this.redis.callBuffer("eval", GET, keys.length, ...keys.map((k) => KEY_PREFIX + k), prefix)) as Array<
      [Buffer, Buffer, Buffer, Buffer] | null
    >;
    rows.forEach((row, i) => {
      if (!row) return;
      const [value, tags, fresh, stale] = row;
      found.set(keys[i]!, {
        value: deserialize(value),
        tags: tags.length === 0 ? [] : tags.toString("utf8").split("\n"),
        freshUntil: Number(fresh.toString()),
        staleUntil: Number(stale.toString()),
      });
    });
    return found;
  }

  /** Shares an answer whose read started at stream position `readFrom`; refused when one of its tags changed since. */
  async set(key: string, entry: SharedEntry, readFrom: string): Promise<void> {
    const life = Math.min(entry.staleUntil - Date.now(), MAX_LIFE_MS);
    if (life <= 0 || entry.tags.some((t) => t.includes("\n")) || !redisReady(this.redis)) return;
    const prefix = this.redis.options.keyPrefix ?? "";
    await this.redis.eval(
      SET,
      1,
      KEY_PREFIX + key,
      prefix,
      serialize(entry.value),
      entry.tags.join("\n"),
      readFrom,
      entry.freshUntil,
      entry.staleUntil,
      Math.ceil(life),
    );
  }
}
