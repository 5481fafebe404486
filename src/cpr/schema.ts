import { canonicalEmail, canonicalMobile } from "../shared/identifiers";
import { isPathSegmentSafe } from "../shared/ids";
import * as z from "../shared/zod";
import { fitsTransactionId, MAX_EXPIRY_SECONDS, MAX_FIELD_LENGTH } from "./limits";

// Request bodies with the seed's (Joi's) messages, fields in the documented order: zod reports issues in shape
// order and the route answers with the first (docs/cpr.md#validation).

const DEFAULT_EXPIRY_SECONDS = 43_200;

const NOT_AN_OBJECT = '"value" must be of type object';
const BOTH_IDENTIFIERS = "Only one of mobileNumber or email should be sent";
const NO_IDENTIFIER = "One of mobileNumber or email is required";
const EXPIRY_TOO_SMALL = '"expiry" must be greater than or equal to 1';
const EXPIRY_TOO_BIG = `"expiry" must be less than or equal to ${MAX_EXPIRY_SECONDS}`;
const EXPIRY_RANGE: Record<string, string> = { too_small: EXPIRY_TOO_SMALL, too_big: EXPIRY_TOO_BIG };
const tooLong = (label: string) =>
  `"${label}" length must be less than or equal to ${MAX_FIELD_LENGTH} characters long`;

function text(label: string) {
  return z
    .string({
      error: (issue) =>
        issue.input === undefined ? `"${label}" is required` : `"${label}" must be a string`,
    })
    .check(
      z.minLength(1, { error: `"${label}" is not allowed to be empty` }),
      z.maxLength(MAX_FIELD_LENGTH, { error: tooLong(label) }),
    );
}

function canonical(label: string, canonicalise: (value: string) => string | undefined, what: string) {
  return z.optional(
    text(label).check(
      z.refine((value) => canonicalise(value) !== undefined, { error: `"${label}" must be a valid ${what}` }),
    ),
  );
}

// The admin revoke route's path names it too, where URL parsing turns `.` and `..` into navigation
// (docs/admin.md#ids); the message names them in Joi's quoted-label style.
function transactionId() {
  return text("transactionId").check(
    z.refine(fitsTransactionId, { error: tooLong("transactionId") }),
    z.refine(isPathSegmentSafe, { error: '"transactionId" must not be "." or ".."' }),
  );
}

const expiry = z._default(
  z.number({ error: '"expiry" must be a number' }).check(
    // `z.int()` also reports numbers beyond the safe-integer range, as too_big/too_small.
    z.int({ error: (issue) => EXPIRY_RANGE[issue.code] ?? '"expiry" must be an integer' }),
    z.gte(1, { error: EXPIRY_TOO_SMALL }),
    z.lte(MAX_EXPIRY_SECONDS, { error: EXPIRY_TOO_BIG }),
  ),
  DEFAULT_EXPIRY_SECONDS,
);

// `unknown`: all that is known of `withIdentifier`'s generic output.
type Given = { mobileNumber?: unknown; email?: unknown };
const atMostOne = (value: Given) => value.mobileNumber === undefined || value.email === undefined;
const atLeastOne = (value: Given) => value.mobileNumber !== undefined || value.email !== undefined;

/** An object of `shape` and at most one of mobileNumber and email (`prefix` names them in messages). */
function withIdentifier<Shape extends z.core.$ZodShape>(shape: Shape, prefix = "", error = NOT_AN_OBJECT) {
  return z
    .object(
      {
        ...shape,
        mobileNumber: canonical(`${prefix}mobileNumber`, canonicalMobile, "mobile number"),
        email: canonical(`${prefix}email`, canonicalEmail, "email"),
      },
      { error },
    )
    .check(z.refine(atMostOne, { error: BOTH_IDENTIFIERS }));
}

/** `POST /v2/auth/token` (docs/cpr.md). */
export const authTokenBodySchema = withIdentifier({
  appId: text("appId"),
  appKey: text("appKey"),
  transactionId: transactionId(),
  workflowId: text("workflowId"),
  authenticateOnResume: z._default(
    z.enum(["yes", "no"], { error: '"authenticateOnResume" must be one of [yes, no]' }),
    "no",
  ),
  expiry,
});

/** `POST /v2/generate-auth-token`: `userAuthRequired` and `authObject` (docs/cpr.md#legacy-route). */
export const legacyAuthTokenBodySchema = z.object(
  {
    appId: text("appId"),
    appKey: text("appKey"),
    transactionId: transactionId(),
    workflowId: text("workflowId"),
    userAuthRequired: z._default(
      z.union([z.enum(["yes", "no"]), z.boolean()], {
        error: '"userAuthRequired" must be one of [yes, no, true, false]',
      }),
      "no",
    ),
    expiry,
    authObject: z.optional(withIdentifier({}, "authObject.", '"authObject" must be of type object')),
  },
  { error: NOT_AN_OBJECT },
);

/** `POST /v2/generate-unique-id`: credentials come in headers (docs/cpr.md#deprecated-unique-id-route). */
export const uniqueIdBodySchema = withIdentifier({
  transactionId: transactionId(),
  workflowId: text("workflowId"),
}).check(z.refine(atLeastOne, { error: NO_IDENTIFIER }));

/** The transaction a token was issued for (docs/cpr.md#order-of-checks). */
const metadataSchema = z.object({
  appId: z.string(),
  transactionId: z.string(),
  workflowId: z.string(),
  journeyId: z.uuid().check(z.describe("Created with the transaction state; a new workflowId restarts it.")),
});

const bearerJwt = z.string().check(z.describe("`Bearer <JWT>`, verifiable with `/.well-known/jwks.json`."));

function success<Result extends z.ZodMiniType>(result: Result) {
  return z.object({ statusCode: z.literal(200), status: z.literal("success"), result });
}

export const authTokenSuccessSchema = success(z.object({ authToken: bearerJwt, metadata: metadataSchema }));

/** `POST /v2/generate-auth-token`: the token as `token` (docs/cpr.md#legacy-route). */
export const legacyAuthTokenSuccessSchema = success(z.object({ token: bearerJwt, metadata: metadataSchema }));

/** `POST /v2/generate-unique-id`: the identifier's uniqueId for this app (docs/cpr.md#unique-id). */
export const uniqueIdSuccessSchema = success(
  z.object({
    uniqueId: z.string().check(z.regex(/^[0-9a-f]{32}$/)),
    transactionId: z.string(),
    workflowId: z.string(),
  }),
);
