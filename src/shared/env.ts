import type { Context } from "hono";
import { ConfigStore } from "./config-store";
import type { LogFields } from "./log";
import type { Vars } from "./vars";

declare global {
  // Optional once the key store holds keys (docs/operations.md#signing-keys), so not in wrangler.toml's
  // required list of secrets.
  interface Env {
    SIGNING_KEYS?: string;
  }
  namespace Cloudflare {
    interface Env {
      SIGNING_KEYS?: string;
    }
  }
}

interface RequestVariables {
  requestId: string;
  logFields: LogFields;
  config: ConfigStore;
  /** The checked vars (shared/vars): set before any route runs. */
  vars: Vars;
}

export type AppEnv = { Bindings: Env; Variables: RequestVariables };

export type AppContext = Context<AppEnv>;

/** Adds fields to this request's log line (the reason for a denial goes here, never into the body). */
export function annotate(c: AppContext, fields: LogFields): void {
  Object.assign(c.get("logFields"), fields);
}

/** The config store over `CONFIG`; tests may swap the namespace through `configStoreFor`. */
export function configStoreFor(env: Env): ConfigStore {
  return new ConfigStore(env.CONFIG);
}
