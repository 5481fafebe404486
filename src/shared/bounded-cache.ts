/**
 * Every string-keyed per-isolate cache: at most `limit` entries, the oldest dropped first, so none grows
 * without bound however many distinct keys (PEMs, secrets, KV records) an isolate meets.
 */
export class BoundedCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly limit: number) {}

  get(key: string): V | undefined {
    return this.#entries.get(key);
  }

  set(key: string, value: V): void {
    if (!this.#entries.has(key) && this.#entries.size >= this.limit) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    this.#entries.set(key, value);
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** The promise under `key`, or the one `load` starts; a rejected one is forgotten: the next call retries. */
export function remembered<T>(
  cache: BoundedCache<Promise<T>>,
  key: string,
  load: () => Promise<T>,
): Promise<T> {
  const cached = cache.get(key);
  if (cached) return cached;
  const loading = load();
  loading.catch(() => {
    if (cache.get(key) === loading) cache.delete(key);
  });
  cache.set(key, loading);
  return loading;
}
