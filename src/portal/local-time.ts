import { BoundedCache } from "../shared/bounded-cache";

// Seed 001 shows times in the service's zone: the TIMEZONE var, one per deployment.
const formatters = new BoundedCache<Intl.DateTimeFormat>(16);

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "longOffset",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

function localParts(ms: number, timeZone: string) {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) parts[part.type] = part.value;
  // `longOffset` renders as "GMT+05:30", or plain "GMT" for a zero offset.
  const offset = parts.timeZoneName === "GMT" ? "+00:00" : (parts.timeZoneName ?? "").replace("GMT", "");
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    offset,
  };
}

/** `YYYY-MM-DD HH:MM:SS` in `timeZone`. */
export function formatLocalDateTime(ms: number, timeZone: string): string {
  const { date, time } = localParts(ms, timeZone);
  return `${date} ${time}`;
}

/** ISO-8601 with milliseconds and the zone's offset, e.g. `2017-04-06T19:18:11.000+05:30`. */
export function formatLocalIso(ms: number, timeZone: string): string {
  const { date, time, offset } = localParts(ms, timeZone);
  return `${date}T${time}.${String(ms % 1000).padStart(3, "0")}${offset}`;
}
