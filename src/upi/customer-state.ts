import type * as z from "../shared/zod";
import type { customerSchema, VpaAccounts } from "./schema";

// The customer state behind a session answer, and the seed's fields from it (docs/upi.md#customer-state).

export interface DeviceBinding {
  readonly deviceFingerPrint: string;
  /** Canonical form (docs/cpr.md#unique-id). */
  readonly mobileNumber: string;
  readonly activated: boolean;
  readonly updatedAt: string;
}

/** A customer's object names it by its merchant, the merchant's incarnation and its id. */
export interface CustomerRef {
  readonly merchantId: string;
  /** Live only while the merchant record carries it (docs/storage.md#incarnations). */
  readonly incarnation: string;
  readonly customerId: string;
}

/** A customer created through the Customer API, as its answer shows it without `object` and `juspay`. */
export type CustomerProfile = Readonly<
  Omit<z.output<typeof customerSchema>, "object" | "juspay" | "mobile_country_code"> & {
    /** Absent on customers stored before revision 2 of the contract: read as the default. */
    mobile_country_code?: string;
  }
>;

/** docs/upi.md#customer-api: the `mobile_country_code` of a customer that never gave one. */
export const DEFAULT_MOBILE_COUNTRY_CODE = "91";

/** The seed's state fields of a successful answer, before the session token is added. */
export interface CustomerView {
  readonly status: "FRESH" | "BOUND" | "LINKED";
  readonly isDeviceBound: "true" | "false";
  readonly isDeviceActivated: "true" | "false";
  readonly vpaAccounts?: VpaAccounts;
  readonly customerMobileNumber: string;
  readonly deviceFingerPrint: string;
}

/** `919876543210` → `91XXXXXX3210`: the first 2 and last 4 digits (docs/upi.md#customer-state). */
export function maskBoundMobile(mobile: string): string {
  return `${mobile.slice(0, 2)}${"X".repeat(Math.max(mobile.length - 6, 0))}${mobile.slice(-4)}`;
}

const FRESH: CustomerView = {
  status: "FRESH",
  isDeviceBound: "false",
  isDeviceActivated: "false",
  customerMobileNumber: "",
  deviceFingerPrint: "",
};

/**
 * A binding for another number than the signed payload's does not count: that device is not this
 * customer's on that number, so the SDK must bind afresh (docs/upi.md#customer-state).
 */
export function viewCustomer(
  binding: DeviceBinding | undefined,
  vpaAccounts: VpaAccounts,
  askedMobile: string | undefined,
): { view: CustomerView; binding?: DeviceBinding } {
  const counted =
    binding && (askedMobile === undefined || askedMobile === binding.mobileNumber) ? binding : undefined;
  if (!counted) return { view: FRESH };
  const linked = vpaAccounts.length > 0;
  return {
    binding: counted,
    view: {
      status: linked ? "LINKED" : "BOUND",
      isDeviceBound: "true",
      isDeviceActivated: counted.activated ? "true" : "false",
      ...(linked ? { vpaAccounts } : {}),
      customerMobileNumber: maskBoundMobile(counted.mobileNumber),
      deviceFingerPrint: counted.deviceFingerPrint,
    },
  };
}

/** The fields an update may change (docs/upi.md#customer-api), each left as stored when absent. */
export type CustomerProfileChanges = Partial<
  Omit<CustomerProfile, "id" | "object_reference_id" | "date_created" | "last_updated">
>;
