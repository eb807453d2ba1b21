// How a failed call reads to whoever made it: the service, its address, and
// what went wrong, in words.
import { status } from "@grpc/grpc-js";
import type { ServiceName } from "./config";

/** The status name, e.g. "UNAVAILABLE", for a numeric code. */
export const statusName = (code: number): string => status[code] ?? `CODE_${code}`;

const WHAT: Partial<Record<status, string>> = {
  [status.UNAVAILABLE]: "is unavailable",
  [status.DEADLINE_EXCEEDED]: "did not answer before the deadline",
  [status.CANCELLED]: "call was cancelled",
};

/** A call to another service failed; says which service, where, and how. */
export class DependencyError extends Error {
  override name = "DependencyError";
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    readonly code: status,
    readonly details: string,
    /** The call was sent again this many times (retry.ts), over this long, before failing for good. */
    readonly retried?: { times: number; seconds: number },
  ) {
    const again = retried ? ` (retried ${retried.times} time${retried.times === 1 ? "" : "s"} over ${retried.seconds.toFixed(1)} s)` : "";
    super(`${service} service (${address}) ${WHAT[code] ?? `answered ${statusName(code)}`}: ${details}${again}`);
  }
}
