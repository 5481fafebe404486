import { DurableObject } from "cloudflare:workers";

interface TokenPointer {
  readonly email: string;
  readonly expiresAt: number;
}

const POINTER = "pointer";

/**
 * Per token hash, a pointer to its user's `PortalUser`, never the authority: the user's object holds the current
 * hash, so a rotated or revoked token fails at once and this index needs no update (docs/portal.md#session-check).
 */
export class PortalToken extends DurableObject<Env> {
  /** Records the owner before the token is handed out; the pointer removes itself once expired. */
  async register(pointer: TokenPointer): Promise<void> {
    this.ctx.storage.kv.put(POINTER, pointer);
    await this.ctx.storage.setAlarm(pointer.expiresAt);
  }

  lookup(now: number): TokenPointer | undefined {
    const pointer = this.ctx.storage.kv.get<TokenPointer>(POINTER);
    return pointer && pointer.expiresAt > now ? pointer : undefined;
  }

  /** Drops the pointer (logout); the user's object is told separately. */
  async forget(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
