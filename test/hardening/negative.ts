import { listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { configKeys } from "../support/worker";

/**
 * The invariants every refusal must keep (issue 9), asserted at once: the documented status and the
 * family's exact envelope, no token, no internal text, no secret, no other tenant's ids in the body,
 * and the KV and Durable Object state exactly as before. A new route gets all of it by adding rows.
 */

/** The Durable Object namespaces of wrangler.toml, by binding name. */
export const OBJECT_NAMESPACES = {
  CPR_TRANSACTIONS: env.CPR_TRANSACTIONS,
  PORTAL_USERS: env.PORTAL_USERS,
  PORTAL_TOKENS: env.PORTAL_TOKENS,
  SEQUENCES: env.SEQUENCES,
  UPI_CUSTOMERS: env.UPI_CUSTOMERS,
  UPI_CLIENT_TOKENS: env.UPI_CLIENT_TOKENS,
  RATE_LIMITER: env.RATE_LIMITER,
} as const;

export type ObjectNamespaceName = keyof typeof OBJECT_NAMESPACES;

export interface RefusalCase {
  /** Sends the request (through the real Worker, or `worker.fetch` with a modified env). */
  readonly send: () => Promise<Response>;
  readonly status: number;
  /** The family's exact envelope. */
  readonly body: unknown;
  /** Headers the answer must carry (`null`: must not carry). */
  readonly headers?: Readonly<Record<string, string | null>>;
  /** Values of this case that must not come back: the presented appKey, password, token... */
  readonly secrets?: readonly string[];
  /** Ids of tenants other than the caller's. */
  readonly foreignIds?: readonly string[];
  /** Objects whose storage (and alarm) must be exactly the same afterwards. */
  readonly watch?: readonly DurableObjectStub[];
  /**
   * Namespaces where the refusal may legitimately create objects or state (a portal failure
   * counts against the email: docs/portal.md#lockout). Everything else must gain no object at all.
   */
  readonly mayWrite?: readonly ObjectNamespaceName[];
}

const TOKEN_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ["a JWT", /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/],
  ["a portal token", /[0-9a-f]{8}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{4}_[0-9a-f]{12}/i],
  ["a client auth token", /tkn_/],
];

const INTERNAL_PATTERNS: ReadonlyArray<[string, RegExp]> = [
  ["a stack frame", /(?:^|\n|\\n)\s*at |\bat \S+ \(|\S+:\d+:\d+\)/],
  [
    "an error name",
    /\b(?:Error|ConfigStoreError|SigningKeysError|SyntaxError|TypeError|RangeError|ZodError)\b/,
  ],
  ["an error prefix", /Error:/],
  ["a source file", /\.(?:ts|js|mjs|cjs)\b|\/(?:src|node_modules|work|tmp)\//],
  ["a stack member", /\bstack\b/i],
  ["a leaked JavaScript value", /\bundefined\b|\[object Object\]|\bNaN\b/],
  ["a secret's name", /SIGNING_KEYS|UNIQUE_ID_SECRET|PASSWORD_PEPPER|ADMIN_TOKEN|KEY_ENCRYPTION_SECRET/],
];

const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi"] as const;

/** Every secret of the test env: the admin token, the HMAC secrets and each private key member. */
export function envSecrets(): string[] {
  const secrets = [env.ADMIN_TOKEN, env.UNIQUE_ID_SECRET, env.PASSWORD_PEPPER, env.KEY_ENCRYPTION_SECRET];
  const { keys } = JSON.parse(env.SIGNING_KEYS!) as { keys: Array<Record<string, string>> };
  for (const key of keys) {
    for (const member of PRIVATE_JWK_MEMBERS) if (key[member]) secrets.push(key[member]);
  }
  return secrets;
}

/** Asserts that `text` (a body, a log line) holds no token, no secret and none of `extra`. */
export function expectNoSecrets(text: string, extra: readonly string[] = [], label = "body"): void {
  for (const [what, pattern] of TOKEN_PATTERNS) {
    expect(pattern.test(text), `${label} holds ${what}: ${text}`).toBe(false);
  }
  for (const secret of [...envSecrets(), ...extra]) {
    expect(text.includes(secret), `${label} holds a secret`).toBe(false);
  }
}

/** Asserts that a response body holds nothing internal: no stack, error name, path or secret's name. */
export function expectNoInternals(text: string): void {
  for (const [what, pattern] of INTERNAL_PATTERNS) {
    expect(pattern.test(text), `body holds ${what}: ${text}`).toBe(false);
  }
}

export interface StateSnapshot {
  readonly kv: Record<string, string | null>;
  readonly objectIds: Record<string, string[]>;
  readonly watched: unknown[];
}

async function kvSnapshot(): Promise<Record<string, string | null>> {
  const names = await configKeys();
  const values = await Promise.all(names.map((name) => env.CONFIG.get(name)));
  return Object.fromEntries(names.map((name, i) => [name, values[i]!]));
}

/** Everything an object holds: its key-value storage, its SQL tables' rows and its alarm. */
export function objectStorage(stub: DurableObjectStub): Promise<unknown> {
  return runInDurableObject(stub, async (_instance, state) => ({
    kv: [...state.storage.kv.list()],
    alarm: await state.storage.getAlarm(),
  }));
}

/** KV (every key and value), the ids of every Durable Object, and the watched objects' storage. */
export async function snapshotState(watch: readonly DurableObjectStub[] = []): Promise<StateSnapshot> {
  // Watched objects first: reading an object's storage creates it, and the id list must include it.
  const watched = await Promise.all(watch.map(objectStorage));
  const [kv, ids] = await Promise.all([
    kvSnapshot(),
    Promise.all(
      Object.entries(OBJECT_NAMESPACES).map(
        async ([name, namespace]) =>
          [
            name,
            (await listDurableObjectIds(namespace as unknown as DurableObjectNamespace))
              .map((id) => id.toString())
              .sort(),
          ] as const,
      ),
    ),
  ]);
  return { kv, objectIds: Object.fromEntries(ids), watched };
}

/** Asserts the state is unchanged, except in the namespaces a case may write to. */
export function expectSameState(
  before: StateSnapshot,
  after: StateSnapshot,
  mayWrite: readonly ObjectNamespaceName[] = [],
): void {
  expect(after.kv, "KV changed").toEqual(before.kv);
  for (const name of Object.keys(OBJECT_NAMESPACES) as ObjectNamespaceName[]) {
    if (!mayWrite.includes(name)) {
      expect(after.objectIds[name], `a ${name} object was created`).toEqual(before.objectIds[name]);
    }
  }
  expect(after.watched, "a watched object's storage changed").toEqual(before.watched);
}

/** Sends one refusal and asserts every invariant; returns the raw body text for further checks. */
export async function expectRefusal(refusal: RefusalCase): Promise<string> {
  const before = await snapshotState(refusal.watch);
  const response = await refusal.send();
  const text = await response.text();
  expect(response.status, text).toBe(refusal.status);
  expect(response.headers.get("Content-Type")).toMatch(/^application\/json/);
  expect(response.headers.get("X-Request-Id")).toBeTruthy();
  expect(JSON.parse(text)).toEqual(refusal.body);
  for (const [name, value] of Object.entries(refusal.headers ?? {})) {
    expect(response.headers.get(name), name).toBe(value);
  }
  expectNoSecrets(text, refusal.secrets);
  expectNoInternals(text);
  for (const id of refusal.foreignIds ?? []) expect(text, "another tenant's id").not.toContain(id);
  expectSameState(before, await snapshotState(refusal.watch), refusal.mayWrite);
  return text;
}

/** A table of refusals, each made fresh (own ids) when its row runs. */
export type RefusalTable = ReadonlyArray<
  readonly [title: string, make: () => RefusalCase | Promise<RefusalCase>]
>;

/** One `it` per row, each asserting every invariant of `expectRefusal`. */
export function itRefuses(table: RefusalTable): void {
  it.each(table.map(([title, make]) => [title, make] as const))("refuses %s", async (_title, make) => {
    await expectRefusal(await make());
  });
}

/** Asserts that several refusals answer byte-identical bodies (no credential enumeration). */
export async function expectIdenticalBodies(sends: ReadonlyArray<() => Promise<Response>>): Promise<string> {
  const bodies = new Set<string>();
  const statuses = new Set<number>();
  for (const send of sends) {
    const response = await send();
    statuses.add(response.status);
    bodies.add(await response.text());
  }
  expect(statuses.size).toBe(1);
  expect([...bodies]).toHaveLength(1);
  return [...bodies][0]!;
}
