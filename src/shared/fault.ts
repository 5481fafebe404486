import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Failures that any route can meet before or around its own logic (SPEC §2). Every family maps
 * each of them into its own envelope, exhaustively, in its `errors.ts`.
 */
export type Fault =
  | "not_found"
  | "method_not_allowed"
  | "payload_too_large"
  | "malformed_json"
  | "internal"
  | "unavailable";

/** An error response before it is written: status, JSON body and extra headers. */
export interface WireError {
  readonly status: ContentfulStatusCode;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type FaultRenderer = (fault: Fault) => WireError;

/** Seconds a client should wait after a 503 from an overloaded Durable Object. */
export const RETRY_AFTER_SECONDS = "1";

/** Envelope for paths that belong to no family (SPEC §2: `{"error":"not_found"}`). */
export function renderPlainFault(fault: Fault): WireError {
  switch (fault) {
    case "not_found":
      return { status: 404, body: { error: "not_found" } };
    case "method_not_allowed":
      return { status: 405, body: { error: "method_not_allowed" } };
    case "payload_too_large":
      return { status: 413, body: { error: "payload_too_large" } };
    case "malformed_json":
      return { status: 400, body: { error: "invalid_json" } };
    case "internal":
      return { status: 500, body: { error: "internal_error" } };
    case "unavailable":
      return {
        status: 503,
        body: { error: "temporarily_unavailable" },
        headers: { "Retry-After": RETRY_AFTER_SECONDS },
      };
  }
}

/** True for the error a Durable Object stub throws when the object is overloaded. */
export function isOverloaded(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { overloaded?: unknown }).overloaded === true
  );
}

/** Writes a wire error as a JSON response. */
export function errorResponse(wire: WireError): Response {
  return new Response(JSON.stringify(wire.body), {
    status: wire.status,
    headers: { "Content-Type": "application/json", ...wire.headers },
  });
}
