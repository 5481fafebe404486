import type { ProcessEcho } from "./errors";

// The process envelope's plain parts (docs/upi.md#envelope); schema.ts loads on first use.

/** Seed 000's one service. */
export const SERVICE = "in.juspay.hyperapi";
export const PROCESS_ACTIONS = ["upiGetSessionToken", "updateAuth"] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

const ECHO_LIMIT = 128;

/** What a failure echoes: `requestId` and `action`, strings of ≤ 128 characters (docs/upi.md#envelope). */
export function echoOf(body: unknown): ProcessEcho {
  const fields = recordOf(body);
  const short = (value: unknown) =>
    typeof value === "string" && value.length <= ECHO_LIMIT ? value : undefined;
  return { requestId: short(fields.requestId) ?? "", action: short(recordOf(fields.payload).action) };
}

const recordOf = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
