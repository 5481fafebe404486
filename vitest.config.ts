import { generateKeyPairSync, randomBytes } from "node:crypto";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
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

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: { bindings: testSecrets },
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
