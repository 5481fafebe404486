import { generateSecret, sha256Hex } from "../shared/crypto";
import type { AppContext } from "../shared/env";
import { fail, ok, type Result } from "../shared/result";
import { type TenantKind, tenantObject } from "../shared/tenants";
import { adminFailure } from "./errors";
import type { Tenant } from "./tenant";
import type {
  ChangeRefusal,
  TenantChange,
  TenantChanged,
  TenantRecord,
  TenantSnapshot,
} from "./tenant-changes";
import { ifMatchOf, preconditionFailed } from "./versions";

// How the admin routes talk to tenant objects (docs/storage.md#tenant-objects): outcomes to answers.

/** A change committed but not yet published is a fault: 500, and the object repairs the copy. */
class UnpublishedChange extends Error {
  override readonly name = "UnpublishedChange";
}

function unpublished(): never {
  throw new UnpublishedChange("tenant object committed a change whose KV copy is not written yet");
}

/** The tenant's object, its answers typed as the object's methods return them. */
const tenant = (c: AppContext, kind: TenantKind, id: string) =>
  tenantObject(c.env, kind, id) as unknown as Pick<Tenant, "create" | "read" | "change">;

/** The tenant as its object holds it (copies repaired first); `undefined` when it does not exist. */
export async function readTenant(c: AppContext, kind: TenantKind, id: string) {
  const read = await tenant(c, kind, id).read();
  return read.ok ? read.value : unpublished();
}

/** Messages of the refusals that depend on the route. */
interface RefusalAnswers {
  notFound: (c: AppContext) => Response;
  childNotFound?: (c: AppContext) => Response;
  hasUsers?: (c: AppContext) => Response;
  memberExists?: (c: AppContext) => Response;
}

/** Applies a change through the tenant's object, with the request's `If-Match`. */
export async function changeTenant(
  c: AppContext,
  kind: TenantKind,
  id: string,
  change: TenantChange,
  answers: RefusalAnswers,
  // A change the route makes on its own behalf (an org's membership after a user change) is not
  // what the caller's If-Match names.
  { unconditional = false }: { unconditional?: boolean } = {},
): Promise<Result<TenantChanged, Response>> {
  const ifMatch = unconditional ? ok({ kind: "none" as const }) : ifMatchOf(c);
  if (!ifMatch.ok) return ifMatch;
  const outcome = await tenant(c, kind, id).change(change, ifMatch.value, c.get("requestId"), Date.now());
  return outcome.ok ? outcome : fail(refusal(c, outcome.reason, answers));
}

/** A fresh API secret (docs/admin.md#grace-rotation): only its SHA-256 reaches the object. */
export async function rotateTenantSecret(
  c: AppContext,
  kind: TenantKind,
  id: string,
  graceSeconds: number | undefined,
  answers: RefusalAnswers,
): Promise<Result<{ secret: string; snapshot: TenantSnapshot }, Response>> {
  const secret = generateSecret();
  const change = { op: "rotate", sha256: await sha256Hex(secret), graceSeconds: graceSeconds ?? 0 } as const;
  const rotated = await changeTenant(c, kind, id, change, answers);
  return rotated.ok ? ok({ secret, snapshot: rotated.value.snapshot! }) : rotated;
}

/** The route's answer to each refusal it words itself; `notFound` stands in for one it does not give. */
const ROUTE_ANSWERS = {
  not_found: "notFound",
  child_not_found: "childNotFound",
  has_users: "hasUsers",
  member_exists: "memberExists",
} as const;

function refusal(c: AppContext, refused: ChangeRefusal, answers: RefusalAnswers): Response {
  if (refused.code === "precondition_failed") return preconditionFailed(c);
  if (refused.code === "limit") return adminFailure(c, { code: "invalid_request", message: refused.message });
  if (refused.code === "not_published") return unpublished();
  return (answers[ROUTE_ANSWERS[refused.code]] ?? answers.notFound)(c);
}

/** Creates the tenant; `undefined` when the id is taken by a live tenant (409). */
export async function createTenant(c: AppContext, kind: TenantKind, id: string, record: TenantRecord) {
  const created = await tenant(c, kind, id).create(kind, id, record, c.get("requestId"), Date.now());
  if (created.ok) return created.value;
  return created.reason === "exists" ? undefined : unpublished();
}
