import type { Context } from "hono";
import { ConfigStore } from "./config-store";
import type { LogFields } from "./log";
import type { Vars } from "./vars";

declare global {
  // docs/operations.md#configuration, docs/operations.md#signing-keys: optional once the key store holds
  // keys, so not in wrangler.toml's required list (from which `wrangler types` writes the other secrets).
  interface Env {
    SIGNING_KEYS?: string;
  }
  namespace Cloudflare {
    interface Env {
      SIGNING_KEYS?: string;
    }
  }
}

/** Per-request values shared by middleware and routes. */
interface RequestVariables {
  requestId: string;
  /** Fields the request's single log line carries: outcome, denial reason, masked principals. */
  logFields: LogFields;
  config: ConfigStore;
  /** The checked vars (shared/vars): set before any route runs. */
  vars: Vars;
}

export interface AppEnv {
  Bindings: Env;
  Variables: RequestVariables;
}

export type AppContext = Context<AppEnv>;

/** Adds fields to this request's log line (the reason for a denial goes here, never into the body). */
export function annotate(c: AppContext, fields: LogFields): void {
  Object.assign(c.get("logFields"), fields);
}

/** The config store over `CONFIG`; tests may swap the namespace through `configStoreFor`. */
export function configStoreFor(env: Env): ConfigStore {
  return new ConfigStore(env.CONFIG);
}
