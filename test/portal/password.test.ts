import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  needsRehash,
  PASSWORD_ITERATIONS,
  verifyPassword,
} from "../../src/portal/password";
import { passwordSchema } from "../../src/portal/schema";
import { hmacSha256 } from "../../src/shared/crypto";

const PEPPER = env.PASSWORD_PEPPER;
const STORED = /^pbkdf2-sha256\$100000\$([A-Za-z0-9+/]{22}==)\$([A-Za-z0-9+/]{43}=)$/;
const bytesOf = (b64: string) => Uint8Array.from(atob(b64), (char) => char.charCodeAt(0));

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", await hmacSha256(PEPPER, password), "PBKDF2", false, [
    "deriveBits",
  ]);
  return new Uint8Array(
    await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256),
  );
}

describe("portal password hashes", () => {
  it("pins PBKDF2-HMAC-SHA256 at exactly 100,000 iterations over the peppered password, 16-byte salt", async () => {
    expect(PASSWORD_ITERATIONS).toBe(100_000);
    const stored = await hashPassword("Payu@1234", PEPPER);
    const [, salt, hash] = stored.match(STORED) ?? [];
    expect(bytesOf(salt!)).toHaveLength(16);
    // Recomputed independently: the label cannot claim 100,000 while another count is used.
    expect(await pbkdf2("Payu@1234", bytesOf(salt!), 100_000)).toEqual(bytesOf(hash!));
    expect(await pbkdf2("Payu@1234", bytesOf(salt!), 99_999)).not.toEqual(bytesOf(hash!));
  });

  it("salts every hash afresh", async () => {
    const [a, b] = await Promise.all([hashPassword("same", PEPPER), hashPassword("same", PEPPER)]);
    expect(a).not.toBe(b);
  });

  it("accepts the exact password", async () => {
    const stored = await hashPassword("Payu@1234", PEPPER);
    expect(await verifyPassword("Payu@1234", stored, PEPPER)).toBe(true);
  });

  it.each([
    ["wrong case", "payu@1234"],
    ["trailing space", "Payu@1234 "],
    ["leading space", " Payu@1234"],
    ["prefix", "Payu@123"],
    ["empty", ""],
  ])("refuses an almost-right password: %s", async (_label, attempt) => {
    const stored = await hashPassword("Payu@1234", PEPPER);
    expect(await verifyPassword(attempt, stored, PEPPER)).toBe(false);
  });

  it("refuses the right password under another pepper", async () => {
    const stored = await hashPassword("Payu@1234", PEPPER);
    expect(await verifyPassword("Payu@1234", stored, `${PEPPER}x`)).toBe(false);
  });

  it("keeps a dummy hash at today's parameters that no password matches", async () => {
    expect(DUMMY_PASSWORD_HASH).toMatch(STORED);
    expect(needsRehash(DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword("", DUMMY_PASSWORD_HASH, PEPPER)).toBe(false);
  });

  it("asks for a rehash when the stored parameters are older", async () => {
    expect(needsRehash(await hashPassword("x", PEPPER, 1_000))).toBe(true);
    expect(needsRehash(await hashPassword("x", PEPPER))).toBe(false);
  });

  it.each([
    "bcrypt$10$abc",
    "pbkdf2-sha256$100000$AAAA",
    "pbkdf2-sha256$0100000$AAAA$AAAA",
    "pbkdf2-sha256$100000$!!$??",
  ])("treats a corrupt stored hash as a fault, never as a match: %s", async (stored) => {
    await expect(verifyPassword("x", stored, PEPPER)).rejects.toThrow("stored password hash is corrupt");
  });

  it.each([
    ["a".repeat(128), true],
    ["a".repeat(129), false],
    ["", false],
    ["Payu@1234 with inner spaces", true],
    [" Payu@1234", false],
    ["Payu@1234 ", false],
    ["Payu@1234\t", false],
    ["pässword", false],
  ])("takes passwords of 1-128 printable ASCII characters that a header can carry %#", (password, valid) => {
    expect(passwordSchema.safeParse(password).success).toBe(valid);
  });
});
