import { DurableObject } from "cloudflare:workers";

const LAST = "last";

/**
 * An exact counter (`objectName("sequence", name)`): KV has no atomic increment, and two admin calls
 * must never be handed the same numeric org id (docs/admin.md#ids).
 */
export class Sequence extends DurableObject<Env> {
  /** The next number, starting at 1. */
  next(): number {
    const value = (this.ctx.storage.kv.get<number>(LAST) ?? 0) + 1;
    this.ctx.storage.kv.put(LAST, value);
    return value;
  }
}
