import { fail, ok, type Result } from "./result";

// The one parser of the public keys the service accepts (docs/admin.md#input-validation). The armour check
// is linear: no backtracking pattern over a PEM (nested `\s` runs took seconds on 3,000 spaces).

/** The longest PEM any route takes: an 8,192-bit RSA SPKI is ~1,500 characters, with room for CRLFs. */
export const MAX_PEM_LENGTH = 16_384;
/** docs/admin.md#input-validation: the cap bounds the cost of one verification. */
export const MIN_RSA_BITS = 2048;
export const MAX_RSA_BITS = 8192;

export type PublicKeyAlgorithm = "RS256" | "PS256" | "ES256";

/** Why a text is not a usable public key; each family words it for its admin 400. */
export type PemProblem =
  | "not_pem"
  | "too_long"
  /** A private key where a public one belongs: refused before anything decodes it. */
  | "private_key"
  /** Armour of another kind, e.g. `RSA PUBLIC KEY` (PKCS#1) or `CERTIFICATE`: see `pemLabel`. */
  | "wrong_label"
  | "not_base64"
  | "wrong_key_type";

const BEGIN = "-----BEGIN ";
const DASHES = "-----";
const LABEL = /^[A-Z0-9 ]{1,64}$/;
const PUBLIC_LABEL = "PUBLIC KEY";
// One character class, anchored at both ends: linear, whatever the input.
const BASE64_BODY = /^[A-Za-z0-9+/=\s]*$/;
const BASE64_COMPACT = /^[A-Za-z0-9+/]+={0,2}$/;

/** The label of the text's BEGIN line (`PUBLIC KEY`, `RSA PUBLIC KEY`...), found with `indexOf`. */
export function pemLabel(pem: string): string | undefined {
  if (pem.length > MAX_PEM_LENGTH) return undefined;
  const text = pem.trimStart();
  if (!text.startsWith(BEGIN)) return undefined;
  const labelEnd = text.indexOf(DASHES, BEGIN.length);
  const label = labelEnd < 0 ? "" : text.slice(BEGIN.length, labelEnd);
  return LABEL.test(label) ? label : undefined;
}

/** A `PUBLIC KEY` PEM's armour checked (indexOf, slices, single-class scans) and made canonical. */
export function checkPublicKeyArmour(pem: string): Result<string, PemProblem> {
  if (pem.length > MAX_PEM_LENGTH) return fail("too_long");
  const label = pemLabel(pem);
  if (label === undefined) return fail("not_pem");
  // Whatever follows, a private key is named as such: the admin learns what went wrong.
  if (label.includes("PRIVATE")) return fail("private_key");
  if (label !== PUBLIC_LABEL) return fail("wrong_label");
  const text = pem.trim();
  const header = `${BEGIN}${PUBLIC_LABEL}${DASHES}`;
  const footer = `${DASHES}END ${PUBLIC_LABEL}${DASHES}`;
  if (text.length < header.length + footer.length || !text.endsWith(footer)) return fail("not_pem");
  const body = text.slice(header.length, text.length - footer.length);
  if (!BASE64_BODY.test(body)) return fail("not_base64");
  const compact = body.replace(/\s/g, "");
  if (!BASE64_COMPACT.test(compact) || compact.length % 4 === 1) return fail("not_base64");
  // Padding is optional, as it was for keys registered before this parser (forgiving base64).
  const padded = compact.padEnd(compact.length + ((4 - (compact.length % 4)) % 4), "=");
  return ok(`${header}\n${padded}\n${footer}`);
}

/** A verification key for `alg`; the caller checks an RSA key's size, to name it in its message. */
export async function importPublicKey(
  pem: string,
  alg: PublicKeyAlgorithm,
): Promise<Result<CryptoKey, PemProblem>> {
  const armour = checkPublicKeyArmour(pem);
  if (!armour.ok) return armour;
  let key: CryptoKey;
  try {
    // docs/architecture.md#startup: jose loads on first use, like zod.
    const { importSPKI } = await import("jose/key/import");
    key = await importSPKI(armour.value, alg, { extractable: false });
  } catch {
    return fail("wrong_key_type");
  }
  // jose takes the curve from the key itself: a P-384 key would import "as ES256".
  if (alg === "ES256" && (key.algorithm as CryptoKeyEllipticKeyAlgorithm).namedCurve !== "P-256") {
    return fail("wrong_key_type");
  }
  return ok(key);
}

export function rsaModulusBits(key: CryptoKey): number {
  return (key.algorithm as CryptoKeyRsaKeyAlgorithm).modulusLength;
}
