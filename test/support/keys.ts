/** A public key as the admin API takes it: SPKI PEM, its base64 on one line, no trailing newline. */
export async function spkiPem(publicKey: CryptoKey): Promise<string> {
  const der = new Uint8Array((await crypto.subtle.exportKey("spki", publicKey)) as ArrayBuffer);
  return `-----BEGIN PUBLIC KEY-----\n${btoa(String.fromCharCode(...der))}\n-----END PUBLIC KEY-----`;
}

/** A fresh P-256 (ECDSA) public key as a PEM (a CPR request key; not an RSA merchant key). */
export async function ecPublicKeyPem(): Promise<string> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ])) as CryptoKeyPair;
  return spkiPem(pair.publicKey);
}

/** DER as PEM the way OpenSSL writes it: base64 in 64-character lines, a trailing newline. */
export function pem(label: string, der: ArrayBuffer): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

/** The Web Crypto parameters that generate a 2048-bit RSA or a P-256 key pair for a CPR request-key `alg`. */
export function requestKeyParams(alg: "ES256" | "PS256" | "RS256"): SubtleCryptoGenerateKeyAlgorithm {
  return alg === "ES256"
    ? { name: "ECDSA", namedCurve: "P-256" }
    : {
        name: alg === "PS256" ? "RSA-PSS" : "RSASSA-PKCS1-v1_5",
        modulusLength: 2048,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: "SHA-256",
      };
}
