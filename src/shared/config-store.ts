import { BoundedCache } from "./bounded-cache";
import { loadZod, type Schema, type SchemaLoader } from "./validate";

/**
 * Typed configuration records over the `CONFIG` KV namespace (docs/storage.md#kv-records). This module owns
 * every KV key prefix; records are validated with zod on read and cached per isolate for a few seconds, so
 * hot paths do not pay a KV read per request. KV itself is eventually consistent: a change made in
 * one location can take 60 s or more to be seen in another (docs/storage.md#kv-delay).
 */
export interface RecordKind<T> {
  readonly prefix: string;
  /** The record's schema, loaded on the kind's first read or write (docs/architecture.md#startup). */
  readonly loadSchema: SchemaLoader<Schema<T>>;
}

/** Declares a kind of configuration record stored under `prefix`. */
export function recordKind<T>(prefix: string, loadSchema: SchemaLoader<Schema<T>>): RecordKind<T> {
  return { prefix, loadSchema };
}

/** Cache lifetime for records read from KV in this isolate. */
export const CONFIG_CACHE_TTL_MS = 5_000;
const CACHE_LIMIT = 1_000;
// KV rejects keys over 512 bytes; ids are capped far below that before any KV call.
const MAX_KEY_BYTES = 512;

export class ConfigStoreError extends Error {
  override readonly name = "ConfigStoreError";
}

interface CacheEntry {
  readonly value: unknown;
  readonly expiresAt: number;
}

const cache = new BoundedCache<CacheEntry>(CACHE_LIMIT);

const encoder = new TextEncoder();

function keyFor(kind: RecordKind<unknown>, id: string): string {
  const key = `${kind.prefix}:${id}`;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: a short key needs no encoding to be known to fit.
  if (key.length * 3 > MAX_KEY_BYTES && encoder.encode(key).byteLength > MAX_KEY_BYTES) {
    throw new ConfigStoreError(`config key for ${kind.prefix} is too long`);
  }
  return key;
}

function remember(key: string, value: unknown, now: number): void {
  cache.set(key, { value, expiresAt: now + CONFIG_CACHE_TTL_MS });
}

/** Typed access to `CONFIG`; the KV namespace is a seam that tests may replace to inject faults. */
export class ConfigStore {
  constructor(private readonly kv: KVNamespace) {}

  /** Reads and validates a record; `undefined` when absent. A corrupt record is a fault, never "absent". */
  async get<T>(kind: RecordKind<T>, id: string, now = Date.now()): Promise<T | undefined> {
    const key = keyFor(kind, id);
    const cached = cache.get(key);
    if (cached && cached.expiresAt > now) return cached.value as T | undefined;
    const value = await this.read(kind, key);
    remember(key, value, now);
    return value;
  }

  /**
   * Reads a record straight from KV, bypassing the isolate cache (tests, diagnostics). Never the
   * basis of a change: tenants are changed only through their tenant objects
   * (docs/storage.md#tenant-objects).
   */
  async getFresh<T>(kind: RecordKind<T>, id: string): Promise<T | undefined> {
    return this.read(kind, keyFor(kind, id));
  }

  async put<T>(kind: RecordKind<T>, id: string, value: T): Promise<void> {
    const key = keyFor(kind, id);
    const [schema, zod] = await Promise.all([kind.loadSchema(), loadZod()]);
    await this.kv.put(key, JSON.stringify(zod.parse(schema, value)));
    cache.delete(key);
  }

  async delete(kind: RecordKind<unknown>, id: string): Promise<void> {
    const key = keyFor(kind, id);
    await this.kv.delete(key);
    cache.delete(key);
  }

  /** Lists the ids of one kind (admin use only: a list is not a hot-path operation). */
  async listIds(kind: RecordKind<unknown>, idPrefix = ""): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.kv.list({ prefix: `${kind.prefix}:${idPrefix}`, cursor });
      for (const key of page.keys) ids.push(key.name.slice(kind.prefix.length + 1));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return ids;
  }

  // Read as text, not `"json"`: KV's JSON mode turns a stored `null` into "absent" and throws a bare
  // SyntaxError on garbage; both are corruption, and corruption must fail closed as ConfigStoreError.
  private async read<T>(kind: RecordKind<T>, key: string): Promise<T | undefined> {
    const text = await this.kv.get(key, "text");
    if (text === null) return undefined;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      throw new ConfigStoreError(`stored ${kind.prefix} record is not JSON`);
    }
    const [schema, zod] = await Promise.all([kind.loadSchema(), loadZod()]);
    const parsed = zod.safeParse(schema, raw);
    if (!parsed.success) throw new ConfigStoreError(`stored ${kind.prefix} record is corrupt`);
    return parsed.data;
  }
}
