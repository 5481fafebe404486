import { adminFailure } from "../admin/errors";
import { changeTenant, createTenant, readTenant } from "../admin/tenant-calls";
import type { TenantSnapshot } from "../admin/tenant-changes";
import { replyTenant } from "../admin/tenant-replies";
import { adminContractRoutes } from "../admin/validate";
import { etagHeader } from "../admin/versions";
import type { OrgRecord } from "../shared/config-records";
import { type AppContext, annotate } from "../shared/env";
import { objectName } from "../shared/ids";
import type * as z from "../shared/zod";
import { portalAdminContract } from "./admin-contract";
import type * as schemas from "./admin-schema";
import { DEFAULT_TOKEN_TTL_SECONDS, organizationView } from "./organization";

export const portalAdminRoutes = () =>
  adminContractRoutes(portalAdminContract, () => import("./admin-schema"));

/** The admin view: the seed's organization plus the settings only the admin API shows. */
function viewOf(c: AppContext, snapshot: TenantSnapshot): z.output<typeof schemas.orgAdminSchema> {
  const org = snapshot.record as OrgRecord;
  return {
    ...organizationView(org, c.get("vars").timeZone),
    tokenTtlSeconds: org.tokenTtlSeconds,
    ipAllowlist: org.ipAllowlist ?? null,
  };
}

const orgNotFound = (c: AppContext, id: number | string) =>
  adminFailure(c, { code: "not_found", message: `No org ${id}` });

export const orgAnswers = (id: number) => ({
  notFound: (c: AppContext) => orgNotFound(c, id),
  // An org is deleted only once it has no users, so no user is left pointing at nothing.
  hasUsers: (c: AppContext) => adminFailure(c, { code: "conflict", message: `Org ${id} still has users` }),
});

/**
 * Users the org lists that no longer belong to it (deleted while the org could not be told): each user's own
 * object decides, never KV. Stops at the first live user, who refuses the delete anyway.
 */
async function staleMembersOf(c: AppContext, id: number, members: readonly string[]): Promise<string[]> {
  const stale: string[] = [];
  for (const email of members) {
    const user = await readTenant(c, "portal-user", email);
    if (user?.record.organizationId === id) break;
    stale.push(email);
  }
  return stale;
}

// `/admin/v1/orgs` (docs/admin.md#orgs-and-users): ids come from a `Sequence` object, and each org's `Tenant`
// object writes it and lists its users (docs/storage.md#tenant-objects).
const { app: orgsAdmin, route } = portalAdminRoutes();

route("createOrg", async (c, reply) => {
  const { name, hide_name = false, ipAllowlist, ...fields } = c.req.valid("json");
  const id = await c.env.SEQUENCES.getByName(objectName("sequence", "portal-org")).next();
  const now = new Date().toISOString();
  // The given fields over the defaults; no `ipAllowlist` (or `null`) means no restriction.
  const record: OrgRecord = {
    id,
    name,
    uuid: crypto.randomUUID(),
    description: null,
    product: "na",
    url: null,
    hideName: hide_name,
    tokenTtlSeconds: DEFAULT_TOKEN_TTL_SECONDS,
    createdAt: now,
    updatedAt: now,
    ...fields,
    ...(ipAllowlist ? { ipAllowlist } : {}),
  };
  const created = await createTenant(c, "org", String(id), record);
  // Sequence ids are never handed out twice.
  if (!created) throw new Error(`org id ${id} was already taken`);
  annotate(c, { organizationId: id, action: "org_created" });
  return reply(viewOf(c, created), etagHeader(created.etag));
});

route("getOrg", (c, reply) =>
  replyTenant(c, reply, "org", String(c.req.valid("param").id), (org) => viewOf(c, org), orgNotFound),
);

route("updateOrg", async (c, reply) => {
  const { id } = c.req.valid("param");
  const { hide_name, ipAllowlist, ...rest } = c.req.valid("json");
  const set = { ...rest, hideName: hide_name, ...(ipAllowlist ? { ipAllowlist } : {}) };
  // `ipAllowlist: null` lifts the restriction.
  const unset = ipAllowlist === null ? ["ipAllowlist"] : [];
  const changed = await changeTenant(c, "org", String(id), { op: "update", set, unset }, orgAnswers(id));
  if (!changed.ok) return changed.reason;
  annotate(c, { organizationId: id, action: "org_updated" });
  const org = changed.value.snapshot!;
  return reply(viewOf(c, org), etagHeader(org.etag));
});

route("deleteOrg", async (c, reply) => {
  const { id } = c.req.valid("param");
  const org = await readTenant(c, "org", String(id));
  if (!org) return orgNotFound(c, id);
  const staleMembers = await staleMembersOf(c, id, org.members);
  const deleted = await changeTenant(c, "org", String(id), { op: "delete", staleMembers }, orgAnswers(id));
  if (!deleted.ok) return deleted.reason;
  annotate(c, { organizationId: id, action: "org_deleted" });
  return reply();
});

export { orgsAdmin };
