import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { admin, json, TEST_IP, uid } from "./worker";

export interface ProvisionedApp {
  appId: string;
  appKey: string;
  workflowId: string;
  /**
   * The incarnation the app was created with: its transaction
   * objects are named with it (docs/storage.md#incarnations).
   */
  incarnation: string;
}

/**
 * The incarnation in the tenant's KV record as stored now (`""`, the legacy incarnation, when the
 * record is absent or has none): what names the tenant's Durable Objects.
 */
export async function incarnationOf(kind: "app" | "merchant", id: string): Promise<string> {
  const raw = await env.CONFIG.get(`${kind}:${id}`, "text");
  return (raw === null ? undefined : JSON.parse(raw).incarnation) ?? "";
}

/** Creates a CPR app through the admin API; its allowlist admits TEST_IP by default. */
export async function provisionApp(overrides: Record<string, unknown> = {}): Promise<ProvisionedApp> {
  const appId = uid("app");
  const workflowId = uid("wf");
  const response = await admin("POST", "/apps", {
    appId,
    ipAllowlist: [TEST_IP],
    workflows: [workflowId],
    ...overrides,
  });
  expect(response.status).toBe(201);
  const body = await json(response);
  return {
    appId: body.appId,
    appKey: body.appKey ?? overrides.appKey,
    workflowId: body.workflows[0] ?? workflowId,
    incarnation: await incarnationOf("app", body.appId),
  };
}
