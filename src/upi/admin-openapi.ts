import * as z from "zod";
import {
  ADDRESSED,
  type AdminFamily,
  type AdminOperation,
  PEM,
  previousKeyExpiresAt,
  type Resource,
  resourceOperations,
  rotateKeyOperation,
  secretShownOnce,
  timestamps,
} from "../admin/operation-openapi";
import { MAX_PEM_LENGTH, MAX_RSA_BITS, MIN_RSA_BITS } from "../shared/public-key";
import {
  createMerchantSchema,
  keyParamSchema,
  merchantParamSchema,
  putKeySchema,
  updateMerchantSchema,
} from "./admin-schema";
import { VPA_ACCOUNTS } from "./openapi";
import { customerIdParamSchema, deviceBindingSchema, vpaAccountsSchema } from "./schema";

/**
 * UPI tenant administration in the OpenAPI document (docs/admin.md#merchants): merchants, their
 * signing keys, their customers' state and sessions; src/admin/openapi.ts adds the admin errors and
 * assembles.
 */

const merchantKeySchema = z.object({
  merchantKeyId: z.string(),
  status: z.enum(["active", "retired"]),
  modulusBits: z.number().int(),
  ...timestamps,
});

const merchantSchema = z.object({
  merchantId: z.string(),
  apiKey: secretShownOnce,
  prefix: z.string(),
  signatureMaxAgeSeconds: z.number().int(),
  clientAuthTokenMaxUses: z.number().int(),
  ipAllowlist: z.array(z.string()).nullable(),
  keys: z.array(merchantKeySchema),
  previousKeyExpiresAt,
  ...timestamps,
});

const customerStateSchema = z
  .object({ merchantId: z.string(), customerId: z.string() })
  .loose()
  .describe(
    "The customer's profile, device binding and linked accounts as the UPI customer object holds them.",
  );

const MERCHANT: Resource = {
  name: "Merchant",
  noun: "a UPI merchant",
  path: "/merchants/{merchantId}",
  params: merchantParamSchema,
  view: merchantSchema,
  create: {
    description: "Returns the generated apiKey once; an imported `apiKey` (16+ characters) is not echoed.",
    body: {
      schema: createMerchantSchema,
      example: { merchantId: "stock", prefix: "ABC", ipAllowlist: ["127.0.0.1"] },
    },
    errors: ["invalid_request", "conflict"],
  },
  read: "The merchant and its keys (never the API key).",
  updated: "The updated merchant.",
  update: { body: { schema: updateMerchantSchema, example: { signatureMaxAgeSeconds: 600 } } },
  remove: { summary: "Delete a UPI merchant and its keys" },
};

const KEY_OPERATIONS: AdminOperation[] = [
  {
    method: "put",
    path: "/merchants/{merchantId}/keys/{merchantKeyId}",
    operationId: "putMerchantKey",
    summary: "Register a merchant signing key (RSA 2048+)",
    description:
      `An SPKI \`PUBLIC KEY\` PEM of at most ${MAX_PEM_LENGTH} characters (parsed in linear time): RSA of ` +
      `${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits; a private key is refused.`,
    params: keyParamSchema,
    body: { schema: putKeySchema, example: { publicKey: PEM } },
    success: {
      status: 201,
      description:
        "Registered (200 when it replaced one). A merchant holds at most 10 active keys (400 beyond).",
      schema: merchantKeySchema,
    },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
  },
  {
    method: "delete",
    path: "/merchants/{merchantId}/keys/{merchantKeyId}",
    operationId: "retireMerchantKey",
    summary: "Retire a merchant signing key",
    params: keyParamSchema,
    success: { status: 204, description: "Retired: listed, no longer accepted." },
    errors: ADDRESSED,
    etag: true,
    ifMatch: true,
  },
];

const CUSTOMER_OPERATIONS: AdminOperation[] = [
  {
    method: "get",
    path: "/merchants/{merchantId}/customers/{customerId}",
    operationId: "getCustomerState",
    summary: "Read a UPI customer's state",
    params: customerIdParamSchema,
    success: {
      status: 200,
      description: "Profile, device binding and accounts.",
      schema: customerStateSchema,
    },
    errors: ADDRESSED,
  },
  {
    method: "put",
    path: "/merchants/{merchantId}/customers/{customerId}/device",
    operationId: "bindCustomerDevice",
    summary: "Bind a UPI customer's device",
    params: customerIdParamSchema,
    body: {
      schema: deviceBindingSchema,
      example: { deviceFingerPrint: "fp-1", mobileNumber: "919876543210", activated: true },
    },
    success: { status: 200, description: "The customer's state.", schema: customerStateSchema },
    errors: ADDRESSED,
  },
  {
    method: "delete",
    path: "/merchants/{merchantId}/customers/{customerId}/device",
    operationId: "unbindCustomerDevice",
    summary: "Unbind a UPI customer's device",
    params: customerIdParamSchema,
    success: { status: 204, description: "Unbound." },
    errors: ADDRESSED,
  },
  {
    method: "put",
    path: "/merchants/{merchantId}/customers/{customerId}/vpa-accounts",
    operationId: "setCustomerVpaAccounts",
    summary: "Set a UPI customer's linked accounts",
    params: customerIdParamSchema,
    body: { schema: vpaAccountsSchema, example: VPA_ACCOUNTS },
    success: { status: 200, description: "The customer's state.", schema: customerStateSchema },
    errors: ADDRESSED,
  },
  {
    method: "post",
    path: "/merchants/{merchantId}/customers/{customerId}/revoke-sessions",
    operationId: "revokeCustomerSessions",
    summary: "End every UPI session of a customer",
    description:
      "Every session token issued to the customer so far stops being live at once (introspection " +
      "answers `active: false`). `/oauth/revoke` with one session token ends that session only.",
    params: customerIdParamSchema,
    success: { status: 204, description: "Every session of the customer ended." },
    errors: ADDRESSED,
  },
];

export const UPI_ADMIN: AdminFamily = {
  operations: [
    ...resourceOperations(MERCHANT),
    rotateKeyOperation(MERCHANT, {
      operationId: "rotateMerchantApiKey",
      summary: "Rotate a merchant's API key",
      id: "merchantId",
      secret: "apiKey",
      shown: "The new API key, shown once.",
    }),
    ...KEY_OPERATIONS,
    ...CUSTOMER_OPERATIONS,
  ],
};
