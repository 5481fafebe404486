import * as z from "zod";
import { MAX_ALLOWLIST_ENTRIES, MAX_WORKFLOWS } from "../admin/limits";
import {
  ADDRESSED,
  type AdminFamily,
  PEM,
  previousKeyExpiresAt,
  type Resource,
  resourceOperations,
  rotateKeyOperation,
  secretShownOnce,
  timestamps,
} from "../admin/operation-openapi";
import { appIdParamSchema, createAppSchema, updateAppSchema } from "../admin/schema";
import { MAX_PEM_LENGTH, MAX_RSA_BITS, MIN_RSA_BITS } from "../shared/public-key";
import { MAX_REQUEST_KEYS } from "./admin-request-keys";
import { putRequestKeySchema, requestKeyParamsSchema, transactionParamsSchema } from "./admin-schema";

/**
 * CPR tenant administration in the OpenAPI document (docs/admin.md#apps): apps, their request keys
 * and transaction revocation; src/admin/openapi.ts adds the admin errors and assembles.
 */

const appSchema = z.object({
  appId: z.string(),
  appKey: secretShownOnce,
  name: z.string().nullable(),
  ipAllowlist: z.array(z.string()),
  workflows: z.array(z.string()),
  stateTtlSeconds: z.number().int(),
  requestKeys: z.array(z.object({ keyId: z.string(), alg: z.string(), createdAt: z.string() })),
  previousKeyExpiresAt,
  ...timestamps,
});

const APP_EXAMPLE = {
  appId: "demo-app",
  name: "Demo CPR app",
  ipAllowlist: ["127.0.0.1", "::1"],
  workflows: ["demo-workflow"],
};

const APP: Resource = {
  name: "App",
  noun: "a CPR app",
  path: "/apps/{appId}",
  params: appIdParamSchema,
  view: appSchema,
  create: {
    description:
      "Returns the generated appKey once; an imported `appKey` (16+ characters) is not echoed. " +
      `Limits (docs/admin.md#limits): \`ipAllowlist\` holds at most ${MAX_ALLOWLIST_ENTRIES} entries and \`workflows\` at ` +
      `most ${MAX_WORKFLOWS}; a longer list is a 400 that names the limit. Ids \`.\` and \`..\` are refused.`,
    body: { schema: createAppSchema, example: APP_EXAMPLE },
    errors: ["invalid_request", "conflict"],
  },
  read: "The app (never its key).",
  updated: "The updated app.",
  update: { body: { schema: updateAppSchema, example: { workflows: ["demo-workflow", "kyc-v2"] } } },
};

export const CPR_ADMIN: AdminFamily = {
  tenants: [APP],
  operations: [
    ...resourceOperations(APP),
    rotateKeyOperation(APP, {
      operationId: "rotateAppKey",
      summary: "Rotate an app's appKey",
      id: "appId",
      secret: "appKey",
      shown: "The new appKey, shown once.",
    }),
    {
      method: "put",
      path: "/apps/{appId}/request-keys/{keyId}",
      operationId: "putAppRequestKey",
      summary: "Register a request-signing key (docs/cpr.md#request-signatures)",
      description:
        `An SPKI \`PUBLIC KEY\` PEM of at most ${MAX_PEM_LENGTH} characters (parsed in linear time): RSA of ` +
        `${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits for RS256/PS256, P-256 for ES256; a private key is refused. ` +
        `An app holds at most ${MAX_REQUEST_KEYS} request keys (400 beyond).`,
      params: requestKeyParamsSchema,
      body: { schema: putRequestKeySchema, example: { publicKey: PEM, alg: "RS256" } },
      success: {
        status: 201,
        description: "Added (200 when it replaced a key of the same id).",
        schema: z.object({ appId: z.string(), keyId: z.string(), alg: z.string(), createdAt: z.string() }),
      },
      errors: ADDRESSED,
      etag: true,
      ifMatch: true,
    },
    {
      method: "delete",
      path: "/apps/{appId}/request-keys/{keyId}",
      operationId: "deleteAppRequestKey",
      summary: "Remove a request-signing key",
      params: requestKeyParamsSchema,
      success: { status: 204, description: "Removed." },
      errors: ADDRESSED,
      etag: true,
      ifMatch: true,
    },
    {
      method: "post",
      path: "/apps/{appId}/transactions/{transactionId}/revoke",
      operationId: "revokeTransaction",
      summary: "Revoke every token of a CPR transaction",
      params: transactionParamsSchema,
      success: {
        status: 200,
        description: "The transaction's new revocation epoch.",
        schema: z.object({ appId: z.string(), transactionId: z.string(), revocationEpoch: z.number().int() }),
      },
      errors: ADDRESSED,
    },
  ],
};
