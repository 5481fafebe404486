import { DurableObject } from "cloudflare:workers";

const LAST = "last";

/** An exact counter: KV has no atomic increment, and org ids must never repeat (docs/admin.md#ids). */
export class Sequence extends DurableObject<Env> {
  next(): number {
    const value = (this.ctx.storage.kv.get<number>(LAST) ?? 0) + 1;
    this.ctx.storage.kv.put(LAST, value);
    return value;
  }
}
