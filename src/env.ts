import type { Context } from "hono";
import { ConfigStore } from "./shared/config-store";
import type { LogFields } from "./shared/log";
import type { Vars } from "./shared/vars";

/** Per-request values shared by middleware and routes. */
export interface RequestVariables {
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
