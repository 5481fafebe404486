import * as z from "../shared/zod";

/** RFC 7662 §2.1 / RFC 7009 §2.1 request parameters, as a form or a JSON object; loaded on first use. */
export const tokenRequestSchema = z.object({
  token: z.string().check(z.minLength(1), z.maxLength(8192)),
  token_type_hint: z.optional(z.string().check(z.maxLength(64))),
});
