import * as z from "zod";

/** RFC 7662 §2.1 / RFC 7009 §2.1 request parameters, as a form or a JSON object; loaded on first use. */
export const tokenRequestSchema = z.object({
  token: z.string().min(1).max(8192),
  token_type_hint: z.string().max(64).optional(),
});
