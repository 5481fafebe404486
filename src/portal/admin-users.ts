import { adminFailure } from "../admin/errors";
import { changeTenant, createTenant, readTenant } from "../admin/tenant-calls";
import type { TenantSnapshot } from "../admin/tenant-changes";
import { replyTenant } from "../admin/tenant-replies";
import { etagHeader } from "../admin/versions";
import type { PortalUserRecord } from "../shared/config-records";
import type { AppContext } from "../shared/env";
import { annotate } from "../shared/env";
import { maskEmail } from "../shared/log";
import type * as z from "../shared/zod";
import { orgAnswers, portalAdminRoutes } from "./admin";
import type * as schemas from "./admin-schema";
import { hashPassword } from "./password";

/** What the admin API shows of a user: never the password hash. */
function viewOf(snapshot: TenantSnapshot): z.output<typeof schemas.userSchema> {
  const { email, organizationId, disabled, createdAt, updatedAt } = snapshot.record as PortalUserRecord;
  return { email, organizationId, disabled, createdAt, updatedAt };
}

const userExists = (c: AppContext, email: string) =>
  adminFailure(c, { code: "conflict", message: `User ${maskEmail(email)} already exists` });
const userNotFound = (c: AppContext, email: string) =>
  adminFailure(c, { code: "not_found", message: `No user ${maskEmail(email)}` });
const answersFor = (email: string) => ({ notFound: (c: AppContext) => userNotFound(c, email) });

/** Takes a user off its org's list (after the user was deleted, or its creation was refused). */
async function leaveOrg(c: AppContext, id: number, email: string): Promise<void> {
  const change = { op: "remove-member", email, maskedEmail: maskEmail(email) } as const;
  await changeTenant(c, "org", String(id), change, orgAnswers(id), { unconditional: true });
}

const { app: usersAdmin, route } = portalAdminRoutes();

// `POST /admin/v1/orgs/{id}/users` (docs/admin.md#orgs-and-users): the org lists the user first (`If-Match`
// names its version), then the user's object creates it; a refused creation takes it off the list again.
route("createPortalUser", async (c, reply) => {
  const { id } = c.req.valid("param");
  const { email, password } = c.req.valid("json");
  const passwordHash = await hashPassword(password, c.env.PASSWORD_PEPPER);
  const change = { op: "add-member", email, maskedEmail: maskEmail(email) } as const;
  const memberExists = (ctx: AppContext) => userExists(ctx, email);
  const listed = await changeTenant(c, "org", String(id), change, { ...orgAnswers(id), memberExists });
  if (!listed.ok) return listed.reason;
  const now = new Date().toISOString();
  // The new credential version comes with the record: a refused duplicate ends no tokens, and an earlier
  // user's record of this email can no longer log in (docs/portal.md#orgs-and-users).
  const created = await createTenant(c, "portal-user", email, {
    email,
    organizationId: id,
    passwordHash,
    disabled: false,
    credentialVersion: 0,
    createdAt: now,
    updatedAt: now,
  }).catch(async (error: unknown) => {
    // Committed or not, the user's object knows: it stays listed only if the user exists.
    if (!(await readTenant(c, "portal-user", email).catch(() => undefined))) await leaveOrg(c, id, email);
    throw error;
  });
  if (!created) {
    await leaveOrg(c, id, email);
    return userExists(c, email);
  }
  annotate(c, { email: maskEmail(email), organizationId: id, action: "portal_user_created" });
  return reply(viewOf(created), etagHeader(created.etag));
});

/**
 * `/admin/v1/users/{email}` (docs/admin.md#orgs-and-users). Each user's `Tenant` object writes the record; a
 * new password, disabling and deleting end the user's tokens at once through a new credential version in
 * the user's `PortalUser` object, so a copy of the old record still cached in KV elsewhere cannot
 * log in either.
 */
route("getPortalUser", (c, reply) =>
  replyTenant(c, reply, "portal-user", c.req.valid("param").email, viewOf, userNotFound),
);

route("updatePortalUser", async (c, reply) => {
  const { email } = c.req.valid("param");
  const { password, disabled } = c.req.valid("json");
  const passwordHash =
    password === undefined ? undefined : await hashPassword(password, c.env.PASSWORD_PEPPER);
  const change = { op: "set-credentials", passwordHash, disabled } as const;
  const changed = await changeTenant(c, "portal-user", email, change, answersFor(email));
  if (!changed.ok) return changed.reason;
  annotate(c, { email: maskEmail(email), action: "portal_user_updated" });
  const user = changed.value.snapshot!;
  return reply(viewOf(user), etagHeader(user.etag));
});

route("deletePortalUser", async (c, reply) => {
  const { email } = c.req.valid("param");
  const user = await readTenant(c, "portal-user", email);
  if (!user) return userNotFound(c, email);
  const deleted = await changeTenant(c, "portal-user", email, { op: "delete" }, answersFor(email));
  if (!deleted.ok) return deleted.reason;
  await leaveOrg(c, (user.record as PortalUserRecord).organizationId, email);
  annotate(c, { email: maskEmail(email), action: "portal_user_deleted" });
  return reply();
});

route("unlockPortalUser", async (c, reply) => {
  const { email } = c.req.valid("param");
  const unlocked = await changeTenant(c, "portal-user", email, { op: "unlock" }, answersFor(email));
  if (!unlocked.ok) return unlocked.reason;
  annotate(c, { email: maskEmail(email), action: "portal_user_unlocked" });
  return reply(etagHeader(unlocked.value.snapshot!.etag));
});

export { usersAdmin };
