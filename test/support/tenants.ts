import { expect } from "vitest";
import { admin, json, TEST_IP, uid } from "./worker";

export interface ProvisionedApp {
  appId: string;
  appKey: string;
  workflowId: string;
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
  };
}
