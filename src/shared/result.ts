/**
 * Outcome of an expected decision: a value, or a reason (usually a string-literal union or a tagged
 * union of them). Failures that are not decisions are thrown.
 */
export type Result<T, E> = { ok: true; value: T } | { ok: false; reason: E };

/** Wraps a value as a successful result. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** Wraps a reason as a failed result. */
export const fail = <E>(reason: E): { ok: false; reason: E } => ({ ok: false, reason });
