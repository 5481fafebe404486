import { MAX_ALLOWLIST_ENTRIES, MAX_WORKFLOWS } from "../admin/limits";
import { documentAdminRoutes, example, PEM, resourceProse, rotateKeyProse } from "../admin/operation-openapi";
import { MAX_PEM_LENGTH, MAX_RSA_BITS, MIN_RSA_BITS } from "../shared/public-key";
import { cprAdminContract } from "./admin-contract";
import { MAX_REQUEST_KEYS } from "./admin-request-keys";
import * as schemas from "./admin-schema";

// CPR tenant administration in the OpenAPI document (docs/admin.md#apps): the contract's prose.

export const cprAdminOperations = documentAdminRoutes(cprAdminContract, schemas, {
  ...resourceProse({
    name: "App",
    noun: "a CPR app",
    create: {
      description:
        "Returns the generated appKey once; an imported `appKey` (16+ characters) is not echoed. " +
        `Limits (docs/admin.md#limits): \`ipAllowlist\` holds at most ${MAX_ALLOWLIST_ENTRIES} entries and \`workflows\` at ` +
        `most ${MAX_WORKFLOWS}; a longer list is a 400 that names the limit. Ids \`.\` and \`..\` are refused.`,
      example: {
        appId: "demo-app",
        name: "Demo CPR app",
        ipAllowlist: ["127.0.0.1", "::1"],
        workflows: ["demo-workflow"],
      },
    },
    read: "The app (never its key).",
    updated: "The updated app.",
    update: { example: { workflows: ["demo-workflow", "kyc-v2"] } },
  }),
  rotateAppKey: rotateKeyProse("Rotate an app's appKey", "The new appKey, shown once."),
  putAppRequestKey: {
    summary: "Register a request-signing key (docs/cpr.md#request-signatures)",
    description:
      `An SPKI \`PUBLIC KEY\` PEM of at most ${MAX_PEM_LENGTH} characters (parsed in linear time): RSA of ` +
      `${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits for RS256/PS256, P-256 for ES256; a private key is refused. ` +
      `An app holds at most ${MAX_REQUEST_KEYS} request keys (400 beyond).`,
    requestBody: { examples: example({ publicKey: PEM, alg: "RS256" }) },
    success: { description: "Added (200 when it replaced a key of the same id)." },
  },
  deleteAppRequestKey: { summary: "Remove a request-signing key", success: { description: "Removed." } },
  revokeTransaction: {
    summary: "Revoke every token of a CPR transaction",
    success: { description: "The transaction's new revocation epoch." },
  },
});
