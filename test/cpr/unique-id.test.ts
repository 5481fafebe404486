import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { identifierOf, uniqueIdFor } from "../../src/cpr/unique-id";
import { canonicalEmail, canonicalMobile } from "../../src/shared/identifiers";

const SECRET = "test-unique-id-secret";

describe("uniqueIdFor (pure)", () => {
  it("is 32 lowercase hex characters and deterministic", async () => {
    const one = await uniqueIdFor(SECRET, "app", { kind: "email", canonical: "a@x.com" });
    expect(one).toMatch(/^[0-9a-f]{32}$/);
    expect(await uniqueIdFor(SECRET, "app", { kind: "email", canonical: "a@x.com" })).toBe(one);
  });

  it.each([
    ["another secret", "other-secret", "app", "email", "a@x.com"],
    ["another app", SECRET, "app2", "email", "a@x.com"],
    ["another kind", SECRET, "app", "mobile", "a@x.com"],
    ["an appId that swallows the kind", SECRET, 'app","email', "email", "a@x.com"],
  ] as const)("changes with %s", async (_what, secret, appId, kind, canonical) => {
    const base = await uniqueIdFor(SECRET, "app", { kind: "email", canonical: "a@x.com" });
    expect(await uniqueIdFor(secret, appId, { kind, canonical })).not.toBe(base);
  });

  it("refuses to work without UNIQUE_ID_SECRET (a fault, never an unkeyed hash)", async () => {
    await expect(uniqueIdFor(undefined, "app", { kind: "email", canonical: "a@x.com" })).rejects.toThrow(
      "UNIQUE_ID_SECRET is not set",
    );
  });
});

describe("canonicalisation properties", () => {
  it("never throws on any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 300 }), (text) => {
        canonicalEmail(text);
        canonicalMobile(text);
        identifierOf({ email: text });
        identifierOf({ mobileNumber: text });
      }),
    );
  });

  it("is idempotent: a canonical form canonicalises to itself", () => {
    fc.assert(
      fc.property(fc.oneof(fc.emailAddress(), fc.string()), (text) => {
        const email = canonicalEmail(text);
        if (email !== undefined) expect(canonicalEmail(email)).toBe(email);
      }),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^\+?[0-9 ()-]{8,20}$/), (text) => {
        const mobile = canonicalMobile(text);
        if (mobile !== undefined) expect(canonicalMobile(mobile)).toBe(mobile);
      }),
    );
  });

  it("gives equal uniqueIds to spellings with equal canonical forms", async () => {
    const tenDigits = fc.stringMatching(/^[1-9][0-9]{9}$/);
    const spelling = fc
      .tuple(tenDigits, fc.constantFrom("plain", "zero", "plus91", "spaced", "91"))
      .map(([digits, style]) =>
        style === "zero"
          ? `0${digits}`
          : style === "plus91"
            ? `+91${digits}`
            : style === "spaced"
              ? `+91 ${digits.slice(0, 5)} ${digits.slice(5)}`
              : style === "91"
                ? `91${digits}`
                : digits,
      );
    await fc.assert(
      fc.asyncProperty(fc.tuple(spelling, spelling), async ([one, two]) => {
        const a = identifierOf({ mobileNumber: one });
        const b = identifierOf({ mobileNumber: two });
        if (a?.canonical !== b?.canonical) return;
        expect(await uniqueIdFor(SECRET, "app", a!)).toBe(await uniqueIdFor(SECRET, "app", b!));
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.emailAddress(), async (email) => {
        const lower = identifierOf({ email })!;
        const shouted = identifierOf({ email: `  ${email.toUpperCase()} ` })!;
        expect(shouted.canonical).toBe(lower.canonical);
        expect(await uniqueIdFor(SECRET, "app", shouted)).toBe(await uniqueIdFor(SECRET, "app", lower));
      }),
    );
  });

  it("maps every spelling of a ten-digit number to 91 + the number", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{9}$/), (digits) => {
        for (const spelling of [digits, `0${digits}`, `+91 ${digits}`, `91${digits}`, `+91-${digits}`]) {
          expect(canonicalMobile(spelling)).toBe(`91${digits}`);
        }
      }),
    );
  });
});
