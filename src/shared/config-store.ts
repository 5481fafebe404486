import { BoundedCache } from "./bounded-cache";
import { loadZod, type Schema, type SchemaLoader } from "./validate";

// Typed records over the `CONFIG` KV namespace, validated on read and cached per isolate for a few seconds
// so hot paths do not pay a KV read per request (docs/storage.md#kv-records, docs/storage.md#kv-delay).
export interface RecordKind<T> {
  readonly prefix: string;
  /** The record's schema, loaded on the kind's first read or write (docs/architecture.md#startup). */
  readonly loadSchema: SchemaLoader<Schema<T>>;
}

export function recordKind<T>(prefix: string, loadSchema: SchemaLoader<Schema<T>>): RecordKind<T> {
  return { prefix, loadSchema };
}

// A change reaches a warm isolate within the KV delay plus this (docs/storage.md#caches); this isolate's own
// writes drop their entry at once.
export const CONFIG_CACHE_TTL_MS = 5_000;
const CACHE_LIMIT = 1_000;
// KV rejects keys over 512 bytes; ids are capped far below that before any KV call.
const MAX_KEY_BYTES = 512;

export class ConfigStoreError extends Error {
  override readonly name = "ConfigStoreError";
}

const cache = new BoundedCache<{ readonly value: unknown; readonly expiresAt: number }>(CACHE_LIMIT);

const encoder = new TextEncoder();

function keyFor(kind: RecordKind<unknown>, id: string): string {
  const key = `${kind.prefix}:${id}`;
  // A UTF-16 code unit is at most 3 UTF-8 bytes: a short key needs no encoding to be known to fit.
  if (key.length * 3 > MAX_KEY_BYTES && encoder.encode(key).byteLength > MAX_KEY_BYTES) {
    throw new ConfigStoreError(`config key for ${kind.prefix} is too long`);
  }
  return key;
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
    cache.set(key, { value, expiresAt: now + CONFIG_CACHE_TTL_MS });
    return value;
  }

  /** Bypasses the cache (tests); never the basis of a change (docs/storage.md#tenant-objects). */
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

  // As text: KV's `"json"` reads a stored `null` as absent and garbage as a bare SyntaxError; both are
  // corruption, which fails closed as ConfigStoreError.
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
