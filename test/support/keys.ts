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
