import { DurableObject } from "cloudflare:workers";
import { objectName } from "../shared/ids";
import { fail, ok, type Result } from "../shared/result";

const CLAIMED = "claimed";

/**
 * Who created a tenant id (`objectName("id-claim", kind, id)`). KV has no compare-and-set: two
 * parallel creations of one id would both read "absent" and both write, and the loser's caller would
 * hold a dead key. The claim makes exactly one of them the creator (SPEC §7: 409 for the other,
 * the original intact).
 */
export class IdClaim extends DurableObject<Env> {
  /** True for the first caller only, until the claim is released. */
  claim(): boolean {
    if (this.ctx.storage.kv.get<boolean>(CLAIMED)) return false;
    this.ctx.storage.kv.put(CLAIMED, true);
    return true;
  }

  release(): void {
    this.ctx.storage.kv.delete(CLAIMED);
  }
}

/** Tenant kinds whose ids are chosen by the caller (numeric org ids come from a Sequence instead). */
export type ClaimedKind = "app" | "merchant" | "portal-user";

function claimOf(env: Env, kind: ClaimedKind, id: string) {
  return env.ID_CLAIMS.getByName(objectName("id-claim", kind, id));
}

/** Runs `create` only when this caller claims the id first; a creation that throws releases the claim. */
export async function createOnce<T>(
  env: Env,
  kind: ClaimedKind,
  id: string,
  create: () => Promise<T>,
): Promise<Result<T, "id_taken">> {
  const claim = claimOf(env, kind, id);
  if (!(await claim.claim())) return fail("id_taken");
  try {
    return ok(await create());
  } catch (error) {
    await claim.release();
    throw error;
  }
}

/** Frees an id after its record was deleted, so that it can be created again. */
export async function releaseId(env: Env, kind: ClaimedKind, id: string): Promise<void> {
  await claimOf(env, kind, id).release();
}
