import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type * as z from "zod";
import type { AppContext } from "../env";

/** Turns the first failing zod issue into the family's exact wire error (never zod's raw result). */
export type IssueRenderer = (issue: z.core.$ZodIssue, c: AppContext) => Response | Promise<Response>;

/**
 * `zValidator` with the family's renderer as its hook. Two inputs never reach the hook and are
 * handled elsewhere: a non-JSON content type yields `{}` (the family's "required" errors follow), and
 * malformed JSON throws before validation (mapped to the family's `malformed_json` fault in `onError`).
 */
export function validated<Target extends keyof ValidationTargets, T extends z.ZodType>(
  target: Target,
  schema: T,
  renderIssue: IssueRenderer,
) {
  return zValidator(
    target,
    schema,
    async (result, c) => {
      return result.success ? undefined : renderIssue(result.error.issues[0]!, c as unknown as AppContext);
    },
    // zod 4 strips `issue.input` unless asked; renderers need it to tell "absent" from "wrong type".
    // (The cast: the plugin's result type is conditional on the still-generic schema type.)
    { validationFunction: (s, value) => s.safeParseAsync(value, { reportInput: true }) as never },
  );
}
