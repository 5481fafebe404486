import * as z from "zod";
import {
  ADDRESSED,
  type AdminFamily,
  type Resource,
  resourceOperations,
  timestamps,
} from "../admin/operation-openapi";
import {
  createOrgSchema,
  createUserSchema,
  emailParamSchema,
  orgIdParamSchema,
  updateOrgSchema,
  updateUserSchema,
} from "./admin-schema";

/**
 * Portal tenant administration in the OpenAPI document (docs/admin.md#orgs-and-users): organizations and
 * their users; src/admin/openapi.ts adds the admin errors and assembles.
 */

const orgSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    tokenTtlSeconds: z.number().int(),
    ipAllowlist: z.array(z.string()).nullable(),
  })
  .loose()
  .describe("The seed 001 organization plus tokenTtlSeconds and ipAllowlist.");

const userSchema = z.object({
  email: z.string(),
  organizationId: z.number().int(),
  disabled: z.boolean(),
  ...timestamps,
});

const ORG: Resource = {
  name: "Org",
  noun: "a portal organization",
  path: "/orgs/{id}",
  params: orgIdParamSchema,
  view: orgSchema,
  create: {
    body: { schema: createOrgSchema, example: { name: "Root", product: "na", tokenTtlSeconds: 604800 } },
    created: "Created, with its numeric id.",
    errors: ["invalid_request"],
  },
  read: "The organization.",
  updated: "The updated organization.",
  update: {
    description: "`ipAllowlist: null` lifts the restriction; a list, even empty, restricts.",
    body: { schema: updateOrgSchema, example: { ipAllowlist: ["203.0.113.0/24"] } },
  },
  remove: {
    summary: "Delete a portal organization without users",
    errors: ["invalid_request", "not_found", "conflict"],
  },
};

const USER: Resource = {
  name: "PortalUser",
  noun: "a portal user",
  path: "/users/{email}",
  params: emailParamSchema,
  view: userSchema,
  read: "The user.",
  updated: "The updated user.",
  update: {
    summary: "Change a portal user's password or disable it",
    description: "A new password or disabling ends the user's tokens at once.",
    body: { schema: updateUserSchema, example: { disabled: true } },
  },
  remove: { success: "Deleted; the user's tokens end at once." },
};

export const PORTAL_ADMIN: AdminFamily = {
  operations: [
    ...resourceOperations(ORG),
    {
      method: "post",
      path: "/orgs/{id}/users",
      operationId: "createPortalUser",
      summary: "Create a portal user in an organization",
      params: orgIdParamSchema,
      body: { schema: createUserSchema, example: { email: "jane@example.com", password: "Payu@1234" } },
      description: "`If-Match` names the organization's version: the user joins the org's list of users.",
      success: { status: 201, description: "Created (never the password hash).", schema: userSchema },
      errors: ["invalid_request", "not_found", "conflict"],
      etag: true,
      ifMatch: true,
    },
    ...resourceOperations(USER),
    {
      method: "post",
      path: "/users/{email}/unlock",
      operationId: "unlockPortalUser",
      summary: "Clear a portal user's failed-login lockout",
      params: emailParamSchema,
      success: { status: 204, description: "Unlocked." },
      errors: ADDRESSED,
      etag: true,
      ifMatch: true,
    },
  ],
};
