// Adapters from async functions to grpc-js handlers: one place that maps thrown
// errors to statuses, turns client cancellation into an AbortSignal, and honours
// stream backpressure.
import type { handleServerStreamingCall, handleUnaryCall, Metadata, ServerUnaryCall, ServerWritableStream } from "@grpc/grpc-js";
import { status } from "@grpc/grpc-js";
import { toStatus } from "./errors";
import type { Logger } from "./log";

export interface CallContext {
  /** Aborted when the caller cancels or its deadline passes. */
  signal: AbortSignal;
  metadata: Metadata;
  /** The caller's deadline, when it set one. */
  deadline: Date | undefined;
  /** Response metadata, sent before the response (once). */
  sendMetadata(metadata: Metadata): void;
}

function contextOf(call: ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown>): CallContext {
  const controller = new AbortController();
  call.on("cancelled", () => controller.abort(new DOMException("the caller cancelled", "AbortError")));
  const deadline = call.getDeadline();
  return {
    signal: controller.signal,
    metadata: call.metadata,
    deadline: deadline instanceof Date ? deadline : Number.isFinite(deadline) ? new Date(deadline as number) : undefined,
    sendMetadata: (metadata) => call.sendMetadata(metadata),
  };
}

function report(log: Logger, method: string, error: unknown) {
  const s = toStatus(error);
  if (s.code === status.INTERNAL || s.code === status.UNKNOWN) {
    log.error(`${method} failed`, { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  } else if (s.code !== status.CANCELLED) {
    log.info(`${method} refused`, { code: status[s.code], details: s.details });
  }
  return s;
}

/** The access log, at debug level: which replica served what, and how long it took. */
function served(log: Logger, method: string, started: number) {
  log.debug(`${method} served`, { ms: Math.round(performance.now() - started) });
}

export function unary<Req, Res>(
  log: Logger,
  method: string,
  fn: (request: Req, ctx: CallContext) => Promise<Res>,
): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const started = performance.now();
    fn(call.request, contextOf(call)).then(
      (response) => {
        served(log, method, started);
        callback(null, response);
      },
      (error) => callback(report(log, method, error)),
    );
  };
}

export type Send<Res> = (message: Res) => Promise<void>;

export function serverStream<Req, Res>(
  log: Logger,
  method: string,
  fn: (request: Req, send: Send<Res>, ctx: CallContext) => Promise<void>,
): handleServerStreamingCall<Req, Res> {
  return (call) => {
    const ctx = contextOf(call);
    const send: Send<Res> = (message) =>
      new Promise((resolve, reject) => {
        if (ctx.signal.aborted) return reject(ctx.signal.reason);
        if (call.write(message)) return resolve();
        const onAbort = () => reject(ctx.signal.reason);
        ctx.signal.addEventListener("abort", onAbort, { once: true });
        call.once("drain", () => {
          ctx.signal.removeEventListener("abort", onAbort);
          resolve();
        });
      });
    const started = performance.now();
    fn(call.request, send, ctx).then(
      () => {
        served(log, method, started);
        call.end();
      },
      (error) => {
        // grpc-js turns an 'error' event on the stream into the call's final status.
        if (!ctx.signal.aborted) call.emit("error", Object.assign(new Error(), report(log, method, error)));
      },
    );
  };
}

/** Splits a buffer into chunks for a streamed download. */
export function* chunks(data: Uint8Array, size = 1 << 20): Generator<Buffer> {
  for (let at = 0; at < data.length; at += size) yield Buffer.from(data.subarray(at, at + size));
  if (data.length === 0) yield Buffer.alloc(0);
}
