// Generates the local secrets file (.dev.vars) when it is missing; never overwrites it.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";

/** A fresh ES256 signing key set in the SIGNING_KEYS format (first key signs). */
export function newSigningKeys(kid = `dev-${Date.now().toString(36)}`) {
  const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  return JSON.stringify({ keys: [{ ...jwk, kid, alg: "ES256" }] });
}

const secret = () => randomBytes(32).toString("base64url");

// The signing keys are made by the key store on first use (docs/operations.md#signing-keys), sealed under
// KEY_ENCRYPTION_SECRET; SIGNING_KEYS is not generated (`wrangler dev` would not load it anyway).
export function ensureDevVars(path = ".dev.vars") {
  if (existsSync(path)) {
    // A file from before the key store: add the one secret it lacks, change nothing else.
    if (!/^KEY_ENCRYPTION_SECRET=/m.test(readFileSync(path, "utf8"))) {
      appendFileSync(path, `KEY_ENCRYPTION_SECRET=${secret()}\n`);
    }
    return false;
  }
  const lines = [
    `ADMIN_TOKEN=${secret()}`,
    `UNIQUE_ID_SECRET=${secret()}`,
    `PASSWORD_PEPPER=${secret()}`,
    `KEY_ENCRYPTION_SECRET=${secret()}`,
  ];
  writeFileSync(path, `${lines.join("\n")}\n`, { mode: 0o600 });
  return true;
}

/** Reads KEY=value lines (single-quoted values allowed) from .dev.vars. */
export function readDevVars(text) {
  const vars = {};
  for (const line of text.split("\n")) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const value = match[2];
    vars[match[1]] = value.startsWith("'") && value.endsWith("'") ? value.slice(1, -1) : value;
  }
  return vars;
}
