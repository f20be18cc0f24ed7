// A shop's statuses, browser-safe (a plain constant): the table, the model and the live event use them.

export const VENDOR_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const
export type VendorStatus = (typeof VENDOR_STATUSES)[number]
