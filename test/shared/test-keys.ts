import { exportJWK, generateKeyPair, type JWK } from "jose";
import type { SigningAlgorithm } from "../../src/shared/signing-keys";

/** A fresh private JWK in the `SIGNING_KEYS` format (made in the test, never a key from the repo). */
export async function privateJwk(
  alg: SigningAlgorithm,
  kid: string,
  { withAlg = true }: { withAlg?: boolean } = {},
): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(privateKey);
  return withAlg ? { ...jwk, kid, alg } : { ...jwk, kid };
}

/** The `SIGNING_KEYS` secret text for these keys, first key signing. */
export function signingKeysSecret(...keys: JWK[]): string {
  return JSON.stringify({ keys });
}
