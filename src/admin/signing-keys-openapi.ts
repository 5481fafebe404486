import { signingKeysContract } from "./contract";
import { documentAdminRoutes, example } from "./operation-openapi";
import * as schemas from "./signing-keys-schema";

// The signing key store's admin operations (docs/operations.md#signing-keys).

export const signingKeyOperations = documentAdminRoutes(signingKeysContract, schemas, {
  listSigningKeys: {
    summary: "List the signing keys",
    description:
      "Every key of the store with its state and times (docs/operations.md#key-states). The first call on an empty store imports SIGNING_KEYS, or generates an ES256 key when it is not set.",
    success: { description: "The keys and the rotation schedule." },
  },
  rotateSigningKeys: {
    summary: "Rotate the signing keys now",
    description:
      "`next` becomes active, the active key is retired (published until every token it signed has expired) and a new `next` is published. Refused with 409 `too_early` while `next` has been published for less than the JWKS max-age plus stale-while-revalidate plus the 60 s key cache (420 s), unless `force` is true: a forced rotation signs with a key that verifiers holding an older JWKS do not know yet.",
    requestBody: { examples: example({ alg: "ES256" }) },
    success: { description: "Rotated: the kids that moved, then the keys." },
  },
  importSigningKey: {
    summary: "Bring your own signing key",
    description:
      "Publishes one private JWK (ES256, RS256 or EdDSA, with a kid) as the `next` key in place of the generated one; it signs from the next rotation, like any `next` key. The private half is sealed at rest and never returned.",
    requestBody: {
      examples: example({
        keys: [{ kty: "EC", crv: "P-256", x: "…", y: "…", d: "…", kid: "byok-2026-12", alg: "ES256" }],
      }),
    },
    success: { description: "Imported as next." },
  },
  revokeSigningKey: {
    summary: "Revoke a signing key at once",
    description:
      "Removes the key from the store and the JWKS (compromise): tokens it signed stop verifying and introspect inactive at once in the Worker isolate that served the revocation and within 60 s everywhere (each isolate caches the keys for 60 s). Revoking the active key promotes `next` at once (forced, before its publication time) and publishes a new `next`; revoking `next` publishes a new one. The store always keeps an active and a next key, so no revocation leaves it without a signing key: revoke the active key twice to replace every key made before a compromise.",
    success: {
      description:
        "Revoked; `promoted` and `forced` when it was the active key, `next` when a new next key was made.",
    },
  },
  listSigningKeyEvents: {
    summary: "Read the signing key event log",
    description:
      "Imports, generations, rotations (manual and scheduled), revocations, removals and repairs, newest first. `next` is the cursor for `before`, null on the last page.",
    success: { description: "One page of events." },
  },
});
