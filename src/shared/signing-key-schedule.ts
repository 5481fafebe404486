import { faultText, logLine } from "./log";
import { rotateSigningKeys } from "./signing-key-ring";

const DAY_MS = 24 * 3600 * 1000;
const DEFAULT_ROTATION_DAYS = 30;
const MAX_ROTATION_DAYS = 365;

/** `SIGNING_KEY_ROTATION_DAYS` (docs/operations.md#schedule), checked (docs/http.md#checked-vars). */
export function rotationDays(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_ROTATION_DAYS;
  const days = Number(value);
  if (!/^\d{1,3}$/.test(value) || days > MAX_ROTATION_DAYS) {
    throw new Error(`SIGNING_KEY_ROTATION_DAYS must be an integer from 0 to ${MAX_ROTATION_DAYS}`);
  }
  return days;
}

/**
 * The Cron Trigger's rotation (docs/operations.md#schedule): the store decides what is due, so an overlapping
 * run or a manual rotation finds nothing due; never forced, so a too-young `next` waits for the next run.
 */
export async function rotateOnSchedule(env: Env, scheduledTime: number): Promise<string> {
  const days = rotationDays(env.SIGNING_KEY_ROTATION_DAYS);
  if (days === 0) return "disabled";
  const outcome = await rotateSigningKeys(
    env,
    { trigger: "schedule", force: false, dueEveryMs: days * DAY_MS },
    scheduledTime,
  );
  return outcome.ok ? "rotated" : outcome.reason.code;
}

/** The Worker's `scheduled` handler: one JSON log line per run, like a request's. */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const started = Date.now();
  const run = { cron: controller.cron, task: "signing_key_rotation" };
  try {
    const outcome = await rotateOnSchedule(env, controller.scheduledTime);
    logLine({ ...run, outcome, ms: Date.now() - started });
  } catch (error) {
    logLine({ ...run, outcome: "fault", fault: faultText(error) });
    throw error;
  }
}
