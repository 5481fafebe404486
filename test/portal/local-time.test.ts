import { describe, expect, it } from "vitest";
import { formatLocalDateTime, formatLocalIso } from "../../src/portal/local-time";

describe("portal local timestamps", () => {
  it.each([
    ["2024-06-28T12:07:31.000Z", "Asia/Kolkata", "2024-06-28 17:37:31"],
    ["2024-06-28T18:30:00.000Z", "Asia/Kolkata", "2024-06-29 00:00:00"],
    ["2024-01-01T00:00:00.000Z", "UTC", "2024-01-01 00:00:00"],
    ["2024-07-01T12:00:00.000Z", "America/New_York", "2024-07-01 08:00:00"],
  ])("renders %s in %s as the seed's expires_at", (instant, zone, expected) => {
    expect(formatLocalDateTime(Date.parse(instant), zone)).toBe(expected);
  });

  it.each([
    ["2017-04-06T13:48:11.000Z", "Asia/Kolkata", "2017-04-06T19:18:11.000+05:30"],
    ["2017-04-06T13:48:11.042Z", "UTC", "2017-04-06T13:48:11.042+00:00"],
    ["2024-01-15T12:00:00.500Z", "America/New_York", "2024-01-15T07:00:00.500-05:00"],
  ])("renders %s in %s as the seed's created_at", (instant, zone, expected) => {
    expect(formatLocalIso(Date.parse(instant), zone)).toBe(expected);
  });
});
