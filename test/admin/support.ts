import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Tenant } from "../../src/admin/tenant";
import { type TenantKind, tenantObject } from "../../src/shared/tenants";
import { admin } from "../support/worker";

/**
 * The env seam of a tenant object (docs/http.md#internal-faults fault injection, as
 * test/hardening/faults.test.ts does for the Worker): its own
 * bindings replaced by failing ones until `restore` is called.
 */
export async function breakTenantObject(
  kind: TenantKind,
  id: string,
  bindings: Partial<Env>,
): Promise<{ restore: () => Promise<void> }> {
  const stub = tenantObject(env, kind, id);
  await runInDurableObject(stub, (instance: Tenant) => {
    const object = instance as unknown as { env: Env };
    object.env = { ...object.env, ...bindings };
  });
  return {
    restore: () =>
      runInDurableObject(stub, (instance: Tenant) => {
        (instance as unknown as { env: Env }).env = env;
      }),
  };
}

/** CONFIG whose writes and deletes fail, as a KV outage does; reads go to the real namespace. */
export function kvRefusingWrites(): KVNamespace {
  return new Proxy(env.CONFIG, {
    get(target, property) {
      if (property === "put" || property === "delete")
        return () => Promise.reject(new Error("KV write failed at shard 7"));
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** Runs the tenant object's alarm now; false when none was set. */
export function runTenantAlarm(kind: TenantKind, id: string): Promise<boolean> {
  return runDurableObjectAlarm(tenantObject(env, kind, id));
}

/** An admin call with extra headers (If-Match). */
export function adminWith(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Response> {
  return admin(method, path, body, headers);
}
