import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CONFIG_CACHE_TTL_MS,
  ConfigStore,
  ConfigStoreError,
  recordKind,
} from "../../src/shared/config-store";
import { uid } from "../support/worker";

// A kind that exists only in this file, so the store's mechanics are tested apart from any real record.
const NOTES = recordKind("test-note", async () => z.object({ text: z.string(), count: z.number().int() }));

interface KvCall {
  method: string;
  key?: string;
}

/** The real `CONFIG` namespace, with every call recorded. */
function recordingKv(): { kv: KVNamespace; calls: KvCall[] } {
  const calls: KvCall[] = [];
  const real = env.CONFIG;
  const kv = {
    get: (key: string, type: unknown) => {
      calls.push({ method: "get", key });
      return real.get(key, type as "text");
    },
    put: (key: string, value: string) => {
      calls.push({ method: "put", key });
      return real.put(key, value);
    },
    delete: (key: string) => {
      calls.push({ method: "delete", key });
      return real.delete(key);
    },
    list: (options: KVNamespaceListOptions) => {
      calls.push({ method: "list", key: options.prefix ?? undefined });
      return real.list(options);
    },
  };
  return { kv: kv as unknown as KVNamespace, calls };
}

const T0 = 1_800_000_000_000;

describe("ConfigStore", () => {
  it("returns undefined for an absent record and the validated record once stored", async () => {
    const store = new ConfigStore(env.CONFIG);
    const id = uid("note");
    expect(await store.get(NOTES, id, T0)).toBeUndefined();
    await store.put(NOTES, id, { text: "hello", count: 1 });
    expect(await store.get(NOTES, id, T0)).toEqual({ text: "hello", count: 1 });
    expect(await env.CONFIG.get(`test-note:${id}`, "json")).toEqual({ text: "hello", count: 1 });
  });

  it.each([
    ["a record that fails its schema", JSON.stringify({ text: "hello", count: "1" })],
    ["a record of the wrong JSON type", JSON.stringify(["hello", 1])],
    ["JSON null", "null"],
    ["text that is not JSON", "{not json"],
    ["an empty value", ""],
  ])("throws ConfigStoreError for %s, never treats it as absent", async (_, stored) => {
    const id = uid("note");
    await env.CONFIG.put(`test-note:${id}`, stored);
    const store = new ConfigStore(env.CONFIG);
    await expect(store.get(NOTES, id, T0)).rejects.toBeInstanceOf(ConfigStoreError);
    await expect(store.getFresh(NOTES, id)).rejects.toBeInstanceOf(ConfigStoreError);
  });

  it("does not cache a corrupt record: once repaired it is served", async () => {
    const id = uid("note");
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: 1 }));
    const store = new ConfigStore(env.CONFIG);
    await expect(store.get(NOTES, id, T0)).rejects.toBeInstanceOf(ConfigStoreError);
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: "fixed", count: 2 }));
    expect(await store.get(NOTES, id, T0)).toEqual({ text: "fixed", count: 2 });
  });

  it("drops unknown members on read, so nothing outside the schema reaches a caller", async () => {
    const id = uid("note");
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: "a", count: 1, extra: "x" }));
    expect(await new ConfigStore(env.CONFIG).get(NOTES, id, T0)).toEqual({ text: "a", count: 1 });
  });

  it("serves a record from the isolate cache within the TTL and re-reads KV once it has passed", async () => {
    const { kv, calls } = recordingKv();
    const store = new ConfigStore(kv);
    const id = uid("note");
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: "v1", count: 1 }));
    expect(await store.get(NOTES, id, T0)).toEqual({ text: "v1", count: 1 });
    // Changed behind the store's back, as another location's admin write would.
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: "v2", count: 2 }));
    expect(await store.get(NOTES, id, T0 + CONFIG_CACHE_TTL_MS - 1)).toEqual({ text: "v1", count: 1 });
    expect(calls.filter((call) => call.method === "get")).toHaveLength(1);
    expect(await store.get(NOTES, id, T0 + CONFIG_CACHE_TTL_MS)).toEqual({ text: "v2", count: 2 });
    expect(calls.filter((call) => call.method === "get")).toHaveLength(2);
  });

  it("caches a miss for the TTL too, then sees the new record", async () => {
    const store = new ConfigStore(env.CONFIG);
    const id = uid("note");
    expect(await store.get(NOTES, id, T0)).toBeUndefined();
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: "late", count: 1 }));
    expect(await store.get(NOTES, id, T0 + CONFIG_CACHE_TTL_MS - 1)).toBeUndefined();
    expect(await store.get(NOTES, id, T0 + CONFIG_CACHE_TTL_MS)).toEqual({ text: "late", count: 1 });
  });

  it("shares the cache between store instances of one isolate", async () => {
    const id = uid("note");
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: "v1", count: 1 }));
    expect(await new ConfigStore(env.CONFIG).get(NOTES, id, T0)).toEqual({ text: "v1", count: 1 });
    const { kv, calls } = recordingKv();
    expect(await new ConfigStore(kv).get(NOTES, id, T0 + 1)).toEqual({ text: "v1", count: 1 });
    expect(calls).toEqual([]);
  });

  it("invalidates the cached copy on put", async () => {
    const store = new ConfigStore(env.CONFIG);
    const id = uid("note");
    await store.put(NOTES, id, { text: "v1", count: 1 });
    expect(await store.get(NOTES, id, T0)).toEqual({ text: "v1", count: 1 });
    await store.put(NOTES, id, { text: "v2", count: 2 });
    expect(await store.get(NOTES, id, T0 + 1)).toEqual({ text: "v2", count: 2 });
  });

  it("invalidates the cached copy on delete", async () => {
    const store = new ConfigStore(env.CONFIG);
    const id = uid("note");
    await store.put(NOTES, id, { text: "v1", count: 1 });
    expect(await store.get(NOTES, id, T0)).toEqual({ text: "v1", count: 1 });
    await store.delete(NOTES, id);
    expect(await store.get(NOTES, id, T0 + 1)).toBeUndefined();
    expect(await env.CONFIG.get(`test-note:${id}`)).toBeNull();
  });

  it("reads KV on getFresh even when the cache holds the record", async () => {
    const id = uid("note");
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: "v1", count: 1 }));
    const store = new ConfigStore(env.CONFIG);
    await store.get(NOTES, id, Date.now());
    await env.CONFIG.put(`test-note:${id}`, JSON.stringify({ text: "v2", count: 2 }));
    expect(await store.getFresh(NOTES, id)).toEqual({ text: "v2", count: 2 });
  });

  it("refuses to write a record that fails its schema, and writes nothing", async () => {
    const { kv, calls } = recordingKv();
    const id = uid("note");
    await expect(
      new ConfigStore(kv).put(NOTES, id, { text: "x", count: 1.5 } as { text: string; count: number }),
    ).rejects.toThrow();
    expect(calls).toEqual([]);
    expect(await env.CONFIG.get(`test-note:${id}`)).toBeNull();
  });

  describe("key length", () => {
    // "test-note:" is 10 bytes; KV's limit is 512 bytes of UTF-8.
    const longest = "x".repeat(502);
    const tooLong = "x".repeat(503);
    // 3 bytes per "€": 168 of them are 504 bytes, so the key is 514 bytes though only 178 characters.
    const tooLongInBytes = "€".repeat(168);

    it("accepts the longest key KV allows", async () => {
      const store = new ConfigStore(env.CONFIG);
      await store.put(NOTES, longest, { text: "edge", count: 1 });
      expect(await store.getFresh(NOTES, longest)).toEqual({ text: "edge", count: 1 });
    });

    it.each([
      ["get", (store: ConfigStore, id: string) => store.get(NOTES, id, T0)],
      ["getFresh", (store: ConfigStore, id: string) => store.getFresh(NOTES, id)],
      ["put", (store: ConfigStore, id: string) => store.put(NOTES, id, { text: "x", count: 1 })],
      ["delete", (store: ConfigStore, id: string) => store.delete(NOTES, id)],
    ])(
      "throws ConfigStoreError on %s before touching KV when the key exceeds 512 bytes",
      async (_, operation) => {
        for (const id of [tooLong, tooLongInBytes]) {
          const { kv, calls } = recordingKv();
          await expect(operation(new ConfigStore(kv), id)).rejects.toBeInstanceOf(ConfigStoreError);
          expect(calls).toEqual([]);
        }
      },
    );
  });
});
