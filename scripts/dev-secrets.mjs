// Generates the local secrets file (.dev.vars) when it is missing; never overwrites it.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

/** A fresh ES256 signing key set in the SIGNING_KEYS format (first key signs). */
export function newSigningKeys(kid = `dev-${Date.now().toString(36)}`) {
  const jwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  return JSON.stringify({ keys: [{ ...jwk, kid, alg: "ES256" }] });
}

export function ensureDevVars(path = ".dev.vars") {
  if (existsSync(path)) return false;
  const secret = () => randomBytes(32).toString("base64url");
  const lines = [
    `ADMIN_TOKEN=${secret()}`,
    `SIGNING_KEYS='${newSigningKeys()}'`,
    `UNIQUE_ID_SECRET=${secret()}`,
    `PASSWORD_PEPPER=${secret()}`,
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
