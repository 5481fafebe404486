import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { renderOAuthFault } from "../../src/oauth/errors";
import { grantedToken } from "../cpr/helpers";
import { fetchWith } from "../hardening/fixtures";
import { provisionApp } from "../support/tenants";
import { json } from "../support/worker";

const jwtOf = (authorization: string) => authorization.slice("Bearer ".length);

function formPost(authorization: string | undefined, token: string): RequestInit {
  return {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...(authorization === undefined ? {} : { Authorization: authorization }),
    },
    body: new URLSearchParams({ token }).toString(),
  };
}

/** A CPR_TRANSACTIONS namespace whose every use throws: any touch of a transaction becomes a 500. */
const untouchableTransactions = new Proxy(env.CPR_TRANSACTIONS, {
  get(target, property) {
    if (property === "getByName" || property === "get" || property === "idFromName") {
      return () => {
        throw new Error("a transaction was touched");
      };
    }
    const value = Reflect.get(target, property);
    return typeof value === "function" ? value.bind(target) : value;
  },
});

describe("client authentication on /oauth/* (docs/tokens.md#client-authentication)", () => {
  // docs/http.md#internal-faults: a missing secret is an internal
  // fault (500), not a client that failed to authenticate.
  it.each(["introspect", "revoke"] as const)(
    "answers a Bearer on /oauth/%s with the OAuth 500 when ADMIN_TOKEN is not set",
    async (endpoint) => {
      const response = await fetchWith(`/oauth/${endpoint}`, formPost("Bearer some-admin-token", "x"), {
        ADMIN_TOKEN: "",
      });
      const wire = renderOAuthFault("internal");
      expect(response.status).toBe(wire.status);
      expect(await json(response)).toEqual(wire.body);
    },
  );

  it("still authenticates an app by Basic credentials when ADMIN_TOKEN is not set (the twin)", async () => {
    const app = await provisionApp();
    const granted = await grantedToken(app);
    const basic = `Basic ${btoa(`${app.appId}:${app.appKey}`)}`;
    const response = await fetchWith(
      "/oauth/introspect",
      formPost(basic, jwtOf(granted.answer.result.authToken)),
      { ADMIN_TOKEN: "" },
    );
    expect(response.status).toBe(200);
    expect((await json(response)).active).toBe(true);
  });

  // Only a portal token may revoke itself without credentials; anything else is refused before any
  // token of another family is verified or its transaction read.
  it("refuses an anonymous revocation of a live CPR token without touching its transaction", async () => {
    const app = await provisionApp();
    const token = jwtOf((await grantedToken(app)).answer.result.authToken);
    const response = await fetchWith("/oauth/revoke", formPost(undefined, token), {
      CPR_TRANSACTIONS: untouchableTransactions,
    });
    expect(response.status).toBe(401);
    expect(await json(response)).toEqual({
      error: "invalid_client",
      error_description: "Client authentication failed",
    });
  });

  it("revokes a live CPR token for its app's Basic credentials (the twin)", async () => {
    const app = await provisionApp();
    const token = jwtOf((await grantedToken(app)).answer.result.authToken);
    const basic = `Basic ${btoa(`${app.appId}:${app.appKey}`)}`;
    const response = await fetchWith("/oauth/revoke", formPost(basic, token), {});
    expect(response.status).toBe(200);
    const check = await fetchWith("/oauth/introspect", formPost(basic, token), {});
    expect(await json(check)).toEqual({ active: false });
  });
});
