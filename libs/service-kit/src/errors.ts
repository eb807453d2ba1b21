// gRPC errors a person can act on. INVALID_ARGUMENT names the field,
// FAILED_PRECONDITION says what to start or set, UNAVAILABLE says which
// dependency is down.
import { Metadata, status, type ServiceError, type StatusObject } from "@grpc/grpc-js";

export class RpcError extends Error implements Partial<StatusObject> {
  override name = "RpcError";
  constructor(
    readonly code: status,
    message: string,
  ) {
    super(message);
  }

  get details(): string {
    return this.message;
  }
}

/** INVALID_ARGUMENT "field: problem". */
export const invalidArgument = (field: string, problem: string) => new RpcError(status.INVALID_ARGUMENT, `${field}: ${problem}`);
/**
 * What `read` makes of a request's field, a RangeError from it (a value outside
 * its domain, e.g. a language tag that is not one) becoming INVALID_ARGUMENT
 * naming the field: the rule's own message says what is wrong.
 */
export function argument<T>(field: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RangeError) throw invalidArgument(field, error.message);
    throw error;
  }
}
export const failedPrecondition = (message: string) => new RpcError(status.FAILED_PRECONDITION, message);
export const notFound = (message: string) => new RpcError(status.NOT_FOUND, message);
export const unavailable = (message: string) => new RpcError(status.UNAVAILABLE, message);
export const cancelled = (message = "cancelled") => new RpcError(status.CANCELLED, message);

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof Error && typeof (error as ServiceError).code === "number" && "metadata" in error;
}

/** Turns whatever a handler threw into a status for the caller. */
export function toStatus(error: unknown): Partial<StatusObject> & { code: status; details: string } {
  if (error instanceof RpcError) return { code: error.code, details: error.message, metadata: new Metadata() };
  if (isServiceError(error)) return { code: error.code, details: error.details || error.message, metadata: new Metadata() };
  if (error instanceof Error && error.name === "AbortError") return { code: status.CANCELLED, details: "cancelled by the caller" };
  const message = error instanceof Error ? error.message : String(error);
  return { code: status.INTERNAL, details: message };
}
