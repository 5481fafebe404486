import { documentAdminRoutes, example, PEM, resourceProse, rotateKeyProse } from "../admin/operation-openapi";
import { MAX_PEM_LENGTH, MAX_RSA_BITS, MIN_RSA_BITS } from "../shared/public-key";
import { upiAdminContract } from "./admin-contract";
import * as schemas from "./admin-schema";
import { VPA_ACCOUNTS } from "./openapi";

// UPI tenant administration in the OpenAPI document (docs/admin.md#merchants): its contract and prose.

export const upiAdminOperations = documentAdminRoutes(upiAdminContract, schemas, {
  ...resourceProse({
    name: "Merchant",
    noun: "a UPI merchant",
    create: {
      description: "Returns the generated apiKey once; an imported `apiKey` (16+ characters) is not echoed.",
      example: { merchantId: "stock", prefix: "ABC", ipAllowlist: ["127.0.0.1"] },
    },
    read: "The merchant and its keys (never the API key).",
    updated: "The updated merchant.",
    update: { example: { signatureMaxAgeSeconds: 600 } },
    remove: { summary: "Delete a UPI merchant and its keys" },
  }),
  rotateMerchantApiKey: rotateKeyProse("Rotate a merchant's API key", "The new API key, shown once."),
  putMerchantKey: {
    summary: "Register a merchant signing key (RSA 2048+)",
    description:
      `An SPKI \`PUBLIC KEY\` PEM of at most ${MAX_PEM_LENGTH} characters (parsed in linear time): RSA of ` +
      `${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits; a private key is refused.`,
    requestBody: { examples: example({ publicKey: PEM }) },
    success: {
      description:
        "Registered (200 when it replaced one). A merchant holds at most 10 active keys (400 beyond).",
    },
  },
  retireMerchantKey: {
    summary: "Retire a merchant signing key",
    success: { description: "Retired: listed, no longer accepted." },
  },
  getCustomerState: {
    summary: "Read a UPI customer's state",
    success: { description: "Profile, device binding and accounts." },
  },
  bindCustomerDevice: {
    summary: "Bind a UPI customer's device",
    requestBody: {
      examples: example({ deviceFingerPrint: "fp-1", mobileNumber: "919876543210", activated: true }),
    },
    success: { description: "The customer's state." },
  },
  unbindCustomerDevice: { summary: "Unbind a UPI customer's device", success: { description: "Unbound." } },
  setCustomerVpaAccounts: {
    summary: "Set a UPI customer's linked accounts",
    requestBody: { examples: example(VPA_ACCOUNTS) },
    success: { description: "The customer's state." },
  },
  revokeCustomerSessions: {
    summary: "End every UPI session of a customer",
    description:
      "Every session token issued to the customer so far stops being live at once (introspection " +
      "answers `active: false`). `/oauth/revoke` with one session token ends that session only.",
    success: { description: "Every session of the customer ended." },
  },
});
