import { zValidator } from "@hono/zod-validator";
import type { MiddlewareHandler, ValidationTargets } from "hono";
import type { AppContext, AppEnv } from "./env";
import { isJsonMediaType } from "./media-type";
import type * as z from "./zod";

/** Turns the first failing zod issue into the family's exact wire error (never zod's raw result). */
export type IssueRenderer = (issue: z.core.$ZodIssue, c: AppContext) => Response | Promise<Response>;

/** A schema's loader, `() => import("./schema")...`: never at startup (docs/architecture.md#startup). */
export type SchemaLoader<T extends Schema> = () => Promise<T>;

/** Any zod schema: zod/mini's, or classic zod's in the OpenAPI modules (both are zod core schemas). */
export type Schema<Output = unknown> = z.core.$ZodType<Output>;

/** zod's parse functions (`safeParse(schema, input)`, …), loaded with the first schema that needs them. */
export function loadZod(): Promise<ZodFunctions> {
  return import("./zod-functions");
}

type ZodFunctions = typeof import("./zod-functions");

function validatorFor<Target extends keyof ValidationTargets, T extends Schema>(
  target: Target,
  schema: T,
  renderIssue: IssueRenderer,
  zod: ZodFunctions,
): MiddlewareHandler {
  const validator = zValidator(
    target,
    schema,
    (result, c) =>
      result.success ? undefined : renderIssue(result.error.issues[0]!, c as unknown as AppContext),
    // zod 4 strips `issue.input` unless asked; renderers need it to tell "absent" from "wrong type".
    // (The cast: the plugin's result type is conditional on the still-generic schema type.)
    { validationFunction: (s, value) => zod.safeParseAsync(s, value, { reportInput: true }) as never },
  );
  if (target !== "json") return validator;
  // docs/http.md#media-type: Hono's validator also parses `application/*+json`; any body of another type is
  // validated as `{}` here, as the UPI routes read it.
  return async (c, next) => {
    if (isJsonMediaType(c.req.header("Content-Type"))) return validator(c as never, next);
    const result = await zod.safeParseAsync(schema, {}, { reportInput: true });
    if (!result.success) return renderIssue(result.error.issues[0]!, c as unknown as AppContext);
    c.req.addValidatedData("json", result.data as object);
    await next();
  };
}

/** `zValidator` with the family's renderer as its hook, built on first use; bad JSON throws (`onError`). */
export function validated(
  target: keyof ValidationTargets,
  loadSchema: SchemaLoader<Schema>,
  renderIssue: IssueRenderer,
): MiddlewareHandler<AppEnv> {
  let built: MiddlewareHandler | undefined;
  return async (c, next) => {
    if (!built) {
      // Each request awaits its own load (import() of a loaded module is cheap); only the built validator, a
      // plain function, is shared: a promise one request made hangs the others that await it in workerd
      // ("Cannot perform I/O on behalf of a different request"). A failed load leaves `built` unset: retried.
      const [schema, zod] = await Promise.all([loadSchema(), loadZod()]);
      built ??= validatorFor(target, schema, renderIssue, zod);
    }
    return built(c, next);
  };
}
