import { Hono } from "hono";
import * as z from "zod";
import type { AppContext, AppEnv } from "../env";
import { annotate } from "../env";
import { hashPassword } from "../portal/password";
import { passwordSchema } from "../portal/schema";
import { portalUserObject } from "../portal/sessions";
import {
  ORG_MEMBERS,
  ORGS,
  orgMemberRecordId,
  PORTAL_USERS,
  type PortalUserRecord,
} from "../shared/config-records";
import { canonicalEmail } from "../shared/identifiers";
import { maskEmail } from "../shared/log";
import { adminFailure } from "./errors";
import { createOnce, releaseId } from "./id-claim";
import { orgIdParamSchema, orgNotFound } from "./orgs";
import { adminJson, adminParams } from "./validate";

/** Users are keyed by canonical email: trimmed, lowercased, `local@domain.tld`. */
const emailSchema = z
  .string()
  .transform((raw, ctx) => {
    const email = canonicalEmail(raw);
    if (email === undefined) ctx.addIssue({ code: "custom", message: "must be a valid email" });
    return email ?? "";
  })
  .describe("The user's email (canonicalised: trimmed, lowercased).");

export const createUserSchema = z.strictObject({ email: emailSchema, password: passwordSchema });
export const updateUserSchema = z.strictObject({ password: passwordSchema, disabled: z.boolean() }).partial();
export const emailParamSchema = z.object({ email: emailSchema });

/** What the admin API shows of a user: never the password hash. */
function userView(user: PortalUserRecord) {
  return {
    email: user.email,
    organizationId: user.organizationId,
    disabled: user.disabled,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

const userExists = (c: AppContext, email: string) =>
  adminFailure(c, { code: "conflict", message: `User ${maskEmail(email)} already exists` });
const userNotFound = (c: AppContext, email: string) =>
  adminFailure(c, { code: "not_found", message: `No user ${maskEmail(email)}` });

/** `POST /admin/v1/orgs/{id}/users` (SPEC §7): creates a portal user in an org. */
export const orgUsersAdmin = new Hono<AppEnv>().post(
  "/:id/users",
  adminParams(orgIdParamSchema),
  adminJson(createUserSchema),
  async (c) => {
    const { id } = c.req.valid("param");
    const { email, password } = c.req.valid("json");
    const store = c.get("config");
    if (!(await store.getFresh(ORGS, String(id)))) return orgNotFound(c, id);
    if (await store.getFresh(PORTAL_USERS, email)) return userExists(c, email);
    const passwordHash = await hashPassword(password, c.env.PASSWORD_PEPPER);
    const created = await createOnce(c.env, "portal-user", email, async () => {
      // Only the creator moves the object's version, so a refused duplicate (a parallel creation, or
      // a location whose KV has not seen the user yet) cannot end the existing user's credentials;
      // the version comes before the record, so an earlier user's record can no longer log in.
      const credentialVersion = await portalUserObject(c.env, email).resetCredentials();
      const now = new Date().toISOString();
      const user: PortalUserRecord = {
        email,
        organizationId: id,
        passwordHash,
        disabled: false,
        credentialVersion,
        createdAt: now,
        updatedAt: now,
      };
      await store.put(PORTAL_USERS, email, user);
      await store.put(ORG_MEMBERS, orgMemberRecordId(id, email), {});
      return user;
    });
    if (!created.ok) return userExists(c, email);
    annotate(c, { email: maskEmail(email), organizationId: id, action: "portal_user_created" });
    return c.json(userView(created.value), 201);
  },
);

/**
 * `/admin/v1/users/{email}` (SPEC §7). A new password, disabling and deleting end the user's tokens
 * at once and start a new credential version in the user's object, so a copy of the old record
 * still cached in KV elsewhere cannot log in either.
 */
export const usersAdmin = new Hono<AppEnv>()
  .get("/:email", adminParams(emailParamSchema), async (c) => {
    const { email } = c.req.valid("param");
    const user = await c.get("config").getFresh(PORTAL_USERS, email);
    return user ? c.json(userView(user)) : userNotFound(c, email);
  })
  .patch("/:email", adminParams(emailParamSchema), adminJson(updateUserSchema), async (c) => {
    const { email } = c.req.valid("param");
    const { password, disabled } = c.req.valid("json");
    const store = c.get("config");
    const user = await store.getFresh(PORTAL_USERS, email);
    if (!user) return userNotFound(c, email);
    const passwordHash =
      password === undefined ? user.passwordHash : await hashPassword(password, c.env.PASSWORD_PEPPER);
    const endsSessions = password !== undefined || (disabled === true && !user.disabled);
    const credentialVersion = endsSessions
      ? await portalUserObject(c.env, email).resetCredentials()
      : user.credentialVersion;
    const updated: PortalUserRecord = {
      ...user,
      passwordHash,
      disabled: disabled ?? user.disabled,
      credentialVersion,
      updatedAt: new Date().toISOString(),
    };
    await store.put(PORTAL_USERS, email, updated);
    annotate(c, { email: maskEmail(email), action: "portal_user_updated" });
    return c.json(userView(updated));
  })
  .delete("/:email", adminParams(emailParamSchema), async (c) => {
    const { email } = c.req.valid("param");
    const store = c.get("config");
    const user = await store.getFresh(PORTAL_USERS, email);
    if (!user) return userNotFound(c, email);
    await portalUserObject(c.env, email).resetCredentials();
    await store.delete(PORTAL_USERS, email);
    await store.delete(ORG_MEMBERS, orgMemberRecordId(user.organizationId, email));
    await releaseId(c.env, "portal-user", email);
    annotate(c, { email: maskEmail(email), action: "portal_user_deleted" });
    return c.body(null, 204);
  })
  .post("/:email/unlock", adminParams(emailParamSchema), async (c) => {
    const { email } = c.req.valid("param");
    if (!(await c.get("config").getFresh(PORTAL_USERS, email))) return userNotFound(c, email);
    await portalUserObject(c.env, email).unlock();
    annotate(c, { email: maskEmail(email), action: "portal_user_unlocked" });
    return c.body(null, 204);
  });
