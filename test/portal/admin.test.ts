import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/portal/password";
import { admin, json, uid } from "../support/worker";
import { checkSession, login, provisionOrg, provisionUser, tokenOf } from "./support";

const invalid = (message: string) => ({ error: { code: "invalid_request", message } });

describe("admin: portal orgs (docs/admin.md#orgs-and-users)", () => {
  it("creates an org with a numeric id, the seed's fields and its settings", async () => {
    const uuid = uid("acme");
    const response = await admin("POST", "/orgs", {
      name: "Acme",
      uuid,
      description: "Acme payments",
      product: "chargeback",
      url: "https://acme.example.com",
      hide_name: true,
      tokenTtlSeconds: 86_400,
      ipAllowlist: ["198.51.100.0/24"],
    });
    expect(response.status).toBe(201);
    const org = await json(response);
    expect(org).toEqual({
      id: expect.any(Number),
      name: "Acme",
      uuid,
      description: "Acme payments",
      created_by_id: null,
      updated_by_id: null,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30$/),
      updated_at: org.created_at,
      ancestry: null,
      payubiz_id: null,
      hide_name: true,
      url: "https://acme.example.com",
      product: "chargeback",
      header_mappings: null,
      tokenTtlSeconds: 86_400,
      ipAllowlist: ["198.51.100.0/24"],
    });
    expect(Number.isInteger(org.id) && org.id > 0).toBe(true);
    expect(await json(await admin("GET", `/orgs/${org.id}`))).toEqual(org);
  });

  it("defaults the optional fields as the seed's root org shows them, with a week-long token lifetime", async () => {
    const org = await provisionOrg({ name: "Plain" });
    expect(org).toMatchObject({
      description: null,
      product: "na",
      url: null,
      hide_name: false,
      tokenTtlSeconds: 604_800,
      ipAllowlist: null,
    });
    expect(org.uuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("hands out distinct ids to parallel creations", async () => {
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => admin("POST", "/orgs", { name: "Twin" })),
    );
    const ids = await Promise.all(responses.map(async (response) => (await json(response)).id));
    expect(new Set(ids).size).toBe(10);
  });

  it.each([
    [{}, "name: is required"],
    [{ name: "" }, "name: Too small: expected string to have >=1 characters"],
    [
      { name: "x", ipAllowlist: ["10.0.0.5/24"] },
      'ipAllowlist.0: CIDR range has host bits set: "10.0.0.5/24"',
    ],
    [{ name: "x", tokenTtlSeconds: 3600 }, "tokenTtlSeconds: Too small: expected number to be >=7200"],
    [{ name: "x", url: "not a url" }, "url: Invalid URL"],
    [{ name: "x", id: 5 }, 'body: Unrecognized key: "id"'],
  ])("refuses invalid org input %# with a 400 that names the field", async (body, message) => {
    const response = await admin("POST", "/orgs", body);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(invalid(message));
  });

  it("updates an org, and ipAllowlist null lifts the restriction", async () => {
    const org = await provisionOrg({ ipAllowlist: [] });
    const response = await admin("PATCH", `/orgs/${org.id}`, { name: "Renamed", ipAllowlist: null });
    expect(response.status).toBe(200);
    const updated = await json(response);
    expect(updated).toMatchObject({
      id: org.id,
      name: "Renamed",
      ipAllowlist: null,
      created_at: org.created_at,
    });
  });

  it("deletes an org only once it has no users", async () => {
    const user = await provisionUser();
    const refused = await admin("DELETE", `/orgs/${user.orgId}`);
    expect(refused.status).toBe(409);
    expect(await json(refused)).toEqual({
      error: { code: "conflict", message: `Org ${user.orgId} still has users` },
    });
    expect((await admin("DELETE", `/users/${user.email}`)).status).toBe(204);
    expect((await admin("DELETE", `/orgs/${user.orgId}`)).status).toBe(204);
    expect((await admin("GET", `/orgs/${user.orgId}`)).status).toBe(404);
  });

  it.each([
    ["GET", "/orgs/999999999"],
    ["PATCH", "/orgs/999999999"],
    ["DELETE", "/orgs/999999999"],
  ])("answers %s of an unknown org with 404", async (method, path) => {
    const response = await admin(method, path, method === "PATCH" ? {} : undefined);
    expect(response.status).toBe(404);
    expect(await json(response)).toEqual({ error: { code: "not_found", message: "No org 999999999" } });
  });

  it.each(["0", "abc", "01", "-1"])("refuses the org id %s", async (id) => {
    const response = await admin("GET", `/orgs/${id}`);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(invalid("id: must be a positive integer"));
  });
});

describe("admin: portal users (docs/admin.md#orgs-and-users)", () => {
  it("creates a user under its canonical email, keeping only a PBKDF2 hash of the password", async () => {
    const org = await provisionOrg();
    const email = `${uid("Mixed")}@Example.COM`;
    const response = await admin("POST", `/orgs/${org.id}/users`, { email, password: "Payu@1234" });
    expect(response.status).toBe(201);
    const canonical = email.toLowerCase();
    expect(await json(response)).toEqual({
      email: canonical,
      organizationId: org.id,
      disabled: false,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const stored = (await env.CONFIG.get<{ passwordHash: string }>(`portal-user:${canonical}`, "json"))!;
    expect(stored.passwordHash).toMatch(/^pbkdf2-sha256\$100000\$/);
    expect(JSON.stringify(stored)).not.toContain("Payu@1234");
    expect(await verifyPassword("Payu@1234", stored.passwordHash, env.PASSWORD_PEPPER)).toBe(true);
    expect((await login({ email: canonical, password: "Payu@1234" })).status).toBe(200);
  });

  it("refuses a second user with the same email, whatever its case, and keeps the first", async () => {
    const user = await provisionUser();
    const other = await provisionOrg();
    const response = await admin("POST", `/orgs/${other.id}/users`, {
      email: user.email.toUpperCase(),
      password: "Other@1234",
    });
    expect(response.status).toBe(409);
    expect((await login(user)).status).toBe(200);
  });

  it("keeps the existing user able to log in when a location that does not see it yet (KV delay) tries to create it again", async () => {
    const user = await provisionUser();
    const token = await tokenOf(await login(user));
    const record = await env.CONFIG.get(`portal-user:${user.email}`);
    // This location's KV has not seen the user yet; the id claim still has.
    await env.CONFIG.delete(`portal-user:${user.email}`);
    const response = await admin("POST", `/orgs/${user.orgId}/users`, {
      email: user.email,
      password: "Other@1234",
    });
    expect(response.status).toBe(409);
    await env.CONFIG.put(`portal-user:${user.email}`, record!);
    expect((await checkSession(token)).status).toBe(200);
    expect((await login(user)).status).toBe(200);
  });

  it("lets exactly one of parallel creations of one email win, and the winner's password works", async () => {
    const org = await provisionOrg();
    const email = `${uid("twin")}@example.com`;
    const passwords = Array.from({ length: 8 }, (_, index) => `Twin@${index}-${crypto.randomUUID()}`);
    const responses = await Promise.all(
      passwords.map((password) => admin("POST", `/orgs/${org.id}/users`, { email, password })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(passwords.length - 1);
    const winner = passwords[statuses.indexOf(201)]!;
    expect((await login({ email, password: winner })).status).toBe(200);
  });

  it.each([
    [{ email: "not-an-email", password: "Payu@1234" }, "email: must be a valid email"],
    [{ email: "a@example.com", password: "" }, "password: Too small: expected string to have >=1 characters"],
    [
      { email: "a@example.com", password: "x".repeat(129) },
      "password: Too big: expected string to have <=128 characters",
    ],
    [
      { email: "a@example.com", password: " padded" },
      "password: must be printable ASCII without leading or trailing spaces",
    ],
    [{ email: "a@example.com" }, "password: is required"],
  ])("refuses invalid user input %#", async (body, message) => {
    const org = await provisionOrg();
    const response = await admin("POST", `/orgs/${org.id}/users`, body);
    expect(response.status).toBe(400);
    expect(await json(response)).toEqual(invalid(message));
  });

  it("refuses a user for an org that does not exist", async () => {
    const response = await admin("POST", "/orgs/999999999/users", {
      email: "a@example.com",
      password: "Payu@1234",
    });
    expect(response.status).toBe(404);
  });

  it("changes the password: the old one stops working, the new one works", async () => {
    const user = await provisionUser();
    expect((await admin("PATCH", `/users/${user.email}`, { password: "Changed@1234" })).status).toBe(200);
    expect((await login(user)).status).toBe(401);
    expect((await login({ email: user.email, password: "Changed@1234" })).status).toBe(200);
  });

  it("re-enables a disabled user", async () => {
    const user = await provisionUser();
    await admin("PATCH", `/users/${user.email}`, { disabled: true });
    expect((await login(user)).status).toBe(401);
    const response = await admin("PATCH", `/users/${user.email}`, { disabled: false });
    expect(await json(response)).toMatchObject({ email: user.email, disabled: false });
    expect((await login(user)).status).toBe(200);
  });

  it("refuses a stale copy of the user record after a password change (the KV delay)", async () => {
    const user = await provisionUser();
    const stale = await env.CONFIG.get(`portal-user:${user.email}`);
    await admin("PATCH", `/users/${user.email}`, { password: "Changed@1234" });
    // Another location still serving the old record must not accept the old password.
    await env.CONFIG.put(`portal-user:${user.email}`, stale!);
    expect((await login(user)).status).toBe(401);
  });

  it.each([
    ["PATCH", { disabled: true }],
    ["DELETE", undefined],
  ])("answers %s of an unknown user with 404", async (method, body) => {
    const response = await admin(method, `/users/${uid("nobody")}@example.com`, body);
    expect(response.status).toBe(404);
  });
});
