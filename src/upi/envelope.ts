import type { ProcessEcho } from "./errors";

// The process envelope's plain parts (docs/upi.md#envelope); schema.ts loads on first use.

/** Seed 000's one service. */
export const SERVICE = "in.juspay.hyperapi";
export const PROCESS_ACTIONS = ["upiGetSessionToken", "updateAuth"] as const;
export type ProcessAction = (typeof PROCESS_ACTIONS)[number];

const ECHO_LIMIT = 128;

/** What a failure echoes: `requestId` and `action`, strings of ≤ 128 characters (docs/upi.md#envelope). */
export function echoOf(body: unknown): ProcessEcho {
  const fields = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  const payload =
    typeof fields.payload === "object" && fields.payload !== null
      ? (fields.payload as Record<string, unknown>)
      : {};
  const short = (value: unknown) =>
    typeof value === "string" && value.length <= ECHO_LIMIT ? value : undefined;
  return { requestId: short(fields.requestId) ?? "", action: short(payload.action) };
}
