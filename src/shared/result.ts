/** Outcome of an expected decision: a value, or a reason from a closed set of string literals. */
export type Result<T, R extends string> = { ok: true; value: T } | { ok: false; reason: R };

/** Wraps a value as a successful result. */
export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });

/** Wraps a reason as a failed result. */
export const fail = <R extends string>(reason: R): { ok: false; reason: R } => ({ ok: false, reason });
