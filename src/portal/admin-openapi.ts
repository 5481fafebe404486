import { documentAdminRoutes, example, resourceProse } from "../admin/operation-openapi";
import { portalAdminContract } from "./admin-contract";
import * as schemas from "./admin-schema";

// Portal tenant administration in the OpenAPI document (docs/admin.md#orgs-and-users): the contract's prose.

export const portalAdminOperations = documentAdminRoutes(portalAdminContract, schemas, {
  ...resourceProse({
    name: "Org",
    noun: "a portal organization",
    create: {
      example: { name: "Root", product: "na", tokenTtlSeconds: 604800 },
      created: "Created, with its numeric id.",
    },
    read: "The organization.",
    updated: "The updated organization.",
    update: {
      description: "`ipAllowlist: null` lifts the restriction; a list, even empty, restricts.",
      example: { ipAllowlist: ["203.0.113.0/24"] },
    },
    remove: { summary: "Delete a portal organization without users" },
  }),
  createPortalUser: {
    summary: "Create a portal user in an organization",
    description: "`If-Match` names the organization's version: the user joins the org's list of users.",
    requestBody: { examples: example({ email: "jane@example.com", password: "Payu@1234" }) },
    success: { description: "Created (never the password hash)." },
  },
  ...resourceProse({
    name: "PortalUser",
    noun: "a portal user",
    read: "The user.",
    updated: "The updated user.",
    update: {
      summary: "Change a portal user's password or disable it",
      description: "A new password or disabling ends the user's tokens at once.",
      example: { disabled: true },
    },
    remove: { success: "Deleted; the user's tokens end at once." },
  }),
  unlockPortalUser: {
    summary: "Clear a portal user's failed-login lockout",
    success: { description: "Unlocked." },
  },
});
