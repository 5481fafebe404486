import { execFileSync } from "node:child_process";
import { constants, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { Response } from "miniflare";
import { defineConfig } from "vitest/config";

// Fresh secrets for every test run: nothing in the repo is a real key.
function testSigningKeys(): string {
  const es = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  return JSON.stringify({
    keys: [
      { ...es, kid: "test-es256", alg: "ES256" },
      { ...rsa, kid: "test-rs256", alg: "RS256" },
    ],
  });
}

export const testSecrets = {
  ADMIN_TOKEN: randomBytes(32).toString("base64url"),
  SIGNING_KEYS: testSigningKeys(),
  UNIQUE_ID_SECRET: randomBytes(32).toString("base64url"),
  PASSWORD_PEPPER: randomBytes(32).toString("base64url"),
  KEY_ENCRYPTION_SECRET: randomBytes(32).toString("base64url"),
};

interface SignRequest {
  tool: "node" | "openssl-dgst" | "openssl-pkeyutl";
  alg: "ES256" | "PS256" | "RS256";
  privateKeyPem: string;
  message: string;
}

/**
 * Request signatures made by real signers with their default encodings (issue 14,
 * docs/cpr.md#accepted-forms), on the Node side: workerd's `node:crypto` ignores `padding` (it signs PKCS#1
 * v1.5 when asked for PSS), so PSS made inside the tests would not be Node's. Reached from tests as the
 * `REAL_SIGNER` service binding; `openssl` is the command line as the README shows it.
 */
function realSigner({ tool, alg, privateKeyPem, message }: SignRequest): Buffer {
  const data = Buffer.from(message);
  if (tool === "node") {
    // Node's defaults: DER for ECDSA; for PSS the maximum salt length (RSA_PSS_SALTLEN_MAX_SIGN).
    return alg === "PS256"
      ? sign("sha256", data, { key: privateKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING })
      : sign("sha256", data, privateKeyPem);
  }
  const dir = mkdtempSync(join(tmpdir(), "authedge-sign-"));
  try {
    const keyFile = join(dir, "key.pem");
    writeFileSync(keyFile, privateKeyPem, { mode: 0o600 });
    const pss = alg === "PS256";
    const args =
      tool === "openssl-dgst"
        ? ["dgst", "-sha256", "-sign", keyFile, ...(pss ? ["-sigopt", "rsa_padding_mode:pss"] : [])]
        : ["pkeyutl", "-sign", "-inkey", keyFile, "-rawin", "-digest", "sha256", ...(pss ? ["-pkeyopt", "rsa_padding_mode:pss"] : [])];
    return execFileSync("openssl", args, { input: data });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hasOpenSsl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function realSignerService(request: { json(): Promise<unknown> }): Promise<Response> {
  try {
    return Response.json({ signature: realSigner((await request.json()) as SignRequest).toString("base64") });
  } catch (error) {
    return Response.json({ error: String(error) }, { status: 503 });
  }
}

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // TEST_HAS_OPENSSL: the openssl command-line cases run where the machine has it (issue 14).
        bindings: { ...testSecrets, TEST_HAS_OPENSSL: hasOpenSsl() ? "yes" : "" },
        serviceBindings: { REAL_SIGNER: realSignerService },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    // Every request writes a JSON log line; show them only for tests that fail.
    silent: "passed-only",
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
