import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import type * as z from "zod";
import type { AppContext } from "./env";
import { isJsonMediaType } from "./media-type";

/** Turns the first failing zod issue into the family's exact wire error (never zod's raw result). */
type IssueRenderer = (issue: z.core.$ZodIssue, c: AppContext) => Response | Promise<Response>;

/**
 * `zValidator` with the family's renderer as its hook. Two inputs never reach the hook and are
 * handled elsewhere: a content type other than `application/json` yields `{}` (the family's
 * "required" errors follow), and malformed JSON throws before validation (mapped to the family's
 * `malformed_json` fault in `onError`).
 */
export function validated<Target extends keyof ValidationTargets, T extends z.ZodType>(
  target: Target,
  schema: T,
  renderIssue: IssueRenderer,
) {
  const validator = zValidator(
    target,
    schema,
    async (result, c) => {
      return result.success ? undefined : renderIssue(result.error.issues[0]!, c as unknown as AppContext);
    },
    // zod 4 strips `issue.input` unless asked; renderers need it to tell "absent" from "wrong type".
    // (The cast: the plugin's result type is conditional on the still-generic schema type.)
    { validationFunction: (s, value) => s.safeParseAsync(value, { reportInput: true }) as never },
  );
  if (target !== "json") return validator;
  // docs/http.md#media-type: one JSON media type on every family. Hono's validator also parses
  // `application/*+json`, so for any other type the body
  // is validated as `{}` here, as the UPI routes read it.
  const jsonOnly: MiddlewareHandler = async (c, next) => {
    if (isJsonMediaType(c.req.header("Content-Type"))) return validator(c as never, next);
    const result = await schema.safeParseAsync({}, { reportInput: true });
    if (!result.success) return renderIssue(result.error.issues[0]!, c as unknown as AppContext);
    c.req.addValidatedData("json", result.data as object);
    await next();
  };
  return jsonOnly as unknown as typeof validator;
}
