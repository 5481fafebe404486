import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DEFAULT_MAX_BODY_BYTES } from "./vars";

/**
 * A failure any route can meet around its own logic (docs/http.md#internal-faults), as a reason of every
 * family's table (its `errors.ts`); the 413 carries the cap the body exceeded.
 */
export type FaultReason =
  | { code: "not_found" }
  | { code: "method_not_allowed" }
  | { code: "payload_too_large"; maxBodyBytes: number }
  | { code: "malformed_json" }
  | { code: "internal" }
  | { code: "unavailable" };

export type Fault = FaultReason["code"];

/** An error response before it is written: status, JSON body and extra headers. */
export interface WireError {
  readonly status: ContentfulStatusCode;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A family's one mapping from reason to wire error (`satisfies` it: a new reason needs an entry). */
export type WireTable<R extends { code: string }, W extends object = WireError> = {
  readonly [K in R["code"]]: W | ((reason: Extract<R, { code: K }>) => W);
};

/** The entry a family's table holds for `reason`. */
export function wireOf<R extends { code: string }, W extends object = WireError>(
  table: WireTable<R, W>,
  reason: R,
): W {
  const entry: unknown = table[reason.code as R["code"]];
  return typeof entry === "function" ? (entry as (reason: R) => W)(reason) : (entry as W);
}

/** A family's wire error for a fault; the 413's text names the cap (default `MAX_BODY_BYTES`). */
export type FaultRenderer = (fault: Fault, maxBodyBytes?: number) => WireError;

export function faultReason(fault: Fault, maxBodyBytes = DEFAULT_MAX_BODY_BYTES): FaultReason {
  return fault === "payload_too_large" ? { code: fault, maxBodyBytes } : { code: fault };
}

export function faultRenderer(table: WireTable<FaultReason>): FaultRenderer {
  return (fault, maxBodyBytes) => wireOf(table, faultReason(fault, maxBodyBytes));
}

/** A family's envelope: its wire error from a status, its error code and message, and extra headers. */
type Envelope<Code extends string, W> = (
  status: ContentfulStatusCode,
  code: Code,
  message: string,
  headers?: Record<string, string>,
) => W;

/** Each fault's code and message in a family's words; the 413's message is the cap's, so only its code. */
type FaultWords<Code extends string> = {
  readonly [F in Exclude<Fault, "payload_too_large">]: readonly [code: Code, message: string];
} & { readonly payload_too_large: Code };

/**
 * A family table's fault entries (docs/http.md#internal-faults): the statuses are the same in every
 * family, the 413 names the cap in force and the 503 asks for a retry after a second.
 */
export function faultWires<Code extends string, W>(
  envelope: Envelope<Code, W>,
  words: FaultWords<Code>,
): { readonly [F in Exclude<Fault, "payload_too_large">]: W } & {
  readonly payload_too_large: (reason: { maxBodyBytes: number }) => W;
} {
  return {
    not_found: envelope(404, ...words.not_found),
    method_not_allowed: envelope(405, ...words.method_not_allowed),
    payload_too_large: (reason) => envelope(413, words.payload_too_large, bodyTooLarge(reason)),
    malformed_json: envelope(400, ...words.malformed_json),
    internal: envelope(500, ...words.internal),
    unavailable: envelope(503, ...words.unavailable, { "Retry-After": RETRY_AFTER_SECONDS }),
  };
}

/** The 413 message, from the cap in force: "Request body exceeds 64 KiB" for the default. */
export function bodyTooLarge({ maxBodyBytes }: { maxBodyBytes: number }): string {
  const size = maxBodyBytes % 1024 === 0 ? `${maxBodyBytes / 1024} KiB` : `${maxBodyBytes} bytes`;
  return `Request body exceeds ${size}`;
}

export const RETRY_AFTER_SECONDS = "1";

const PLAIN_FAULTS = {
  not_found: { status: 404, body: { error: "not_found" } },
  method_not_allowed: { status: 405, body: { error: "method_not_allowed" } },
  payload_too_large: { status: 413, body: { error: "payload_too_large" } },
  malformed_json: { status: 400, body: { error: "invalid_json" } },
  internal: { status: 500, body: { error: "internal_error" } },
  unavailable: {
    status: 503,
    body: { error: "temporarily_unavailable" },
    headers: { "Retry-After": RETRY_AFTER_SECONDS },
  },
} satisfies WireTable<FaultReason>;

/** Envelope for paths that belong to no family (docs/http.md#families-by-prefix: `{"error":"not_found"}`). */
export const renderPlainFault: FaultRenderer = faultRenderer(PLAIN_FAULTS);

/** True for the error a Durable Object stub throws when the object is overloaded. */
export function isOverloaded(error: unknown): boolean {
  return (error as { overloaded?: unknown } | null | undefined)?.overloaded === true;
}

export function errorResponse(wire: WireError): Response {
  return new Response(JSON.stringify(wire.body), {
    status: wire.status,
    headers: { "Content-Type": "application/json", ...wire.headers },
  });
}
