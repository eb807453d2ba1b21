// One connection to a LECTRA service and the two call shapes our contracts use,
// promisified. Every call carries a deadline (LECTRA_<SERVICE>_TIMEOUT_MS) and
// an optional AbortSignal that cancels it; failures come back as
// DependencyError naming the service and its address. A call its contract
// declares safe to send twice is sent again while the service is unavailable
// (retry.ts says when).
import { setTimeout as sleep } from "node:timers/promises";
import * as grpc from "@grpc/grpc-js";
import { CACHE_BYPASS, CACHE_HEADER, CACHE_HIT } from "./cache-header";
import { clientConnection, type Connection } from "./connection";
import { MAX_MESSAGE_BYTES, serviceTimeoutMs, type ServiceName } from "./config";
import { DependencyError } from "./errors";
import { isRetryable, Retries, retryWindowMs } from "./retry";

export interface CallOptions {
  /** Cancels the call when aborted. */
  signal?: AbortSignal;
  /** Overrides the default deadline. */
  timeoutMs?: number;
  /** Asks the service not to use its result cache for this call. */
  bypassCache?: boolean;
  /** Called when the service answered from its result cache. */
  onCacheHit?: () => void;
  /** Called when a unary call's answer did not come from a result cache. */
  onCacheMiss?: () => void;
  /** Called before a call is sent again: which retry, after how long, and the failure that caused it. */
  onRetry?: (retry: { attempt: number; delayMs: number; error: DependencyError }) => void;
}

/** What a call needs from one method of a generated service definition (ts-proto, outputServices=grpc-js). */
export type Method<Req, Res> = Pick<grpc.MethodDefinition<Req, Res>, "path" | "requestSerialize" | "responseDeserialize">;

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  // A replica that was down is tried again within 10 s, not grpc's 2 minutes.
  "grpc.max_reconnect_backoff_ms": 10_000,
};

/**
 * The five services the orchestrator calls may run as many replicas: every
 * call goes to the next ready address the target resolves to. The default
 * (pick_first) would keep one HTTP/2 connection to one replica and leave the
 * others idle; servers end connections after a while (service-kit's
 * server.ts) so that a name is resolved again and new replicas join. The
 * orchestrator is one process (its jobs are on its disk), so its callers keep
 * pick_first: after a restart their next call connects at once, where
 * round_robin would fail calls until its reconnect backoff ran out.
 */
const BALANCED: grpc.ChannelOptions = {
  "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
};

export class Downstream {
  /** The service's default deadline for a call. */
  readonly timeoutMs: number;
  private readonly client: grpc.Client;
  /** How long an idempotent call keeps trying while the service is unavailable (LECTRA_RETRY_WINDOW_MS). */
  private readonly retryWindowMs = retryWindowMs();

  constructor(
    readonly service: ServiceName,
    readonly address: string,
    /** TLS and the API token (connection.ts); read from the environment by default. */
    connection: Connection = clientConnection(service),
  ) {
    this.timeoutMs = serviceTimeoutMs(service);
    const options = service === "orchestrator" ? CHANNEL_OPTIONS : { ...CHANNEL_OPTIONS, ...BALANCED };
    this.client = new grpc.Client(address, connection.credentials, { ...options, ...connection.options });
    // Connect to every replica now rather than on the first call: calls made
    // while only one connection is ready all go to that one replica, so a
    // job's first burst of per-slide calls would not be spread.
    this.client.getChannel().getConnectivityState(true);
  }

  private fail(error: grpc.ServiceError): DependencyError {
    return new DependencyError(this.service, this.address, error.code, error.details || error.message);
  }

  /** What both call shapes start with: method, codecs, request, metadata and deadline (shared by every attempt). */
  private request<Req, Res>(method: Method<Req, Res>, request: Req, opts: CallOptions, deadline: number) {
    const metadata = new grpc.Metadata();
    if (opts.bypassCache) metadata.set(CACHE_HEADER, CACHE_BYPASS);
    const options: grpc.CallOptions = { deadline };
    return [method.path, method.requestSerialize, method.responseDeserialize, request, metadata, options] as const;
  }

  /** A call's retries: its deadline, and whether its contract lets it be sent again. */
  private retries({ path }: { path: string }, opts: CallOptions): Retries {
    const deadline = Date.now() + (opts.timeoutMs ?? this.timeoutMs);
    return new Retries(deadline, this.retryWindowMs, this.retryWindowMs > 0 && isRetryable(path));
  }

  /**
   * After a failed attempt: waits out the backoff and returns when the call
   * should be sent again; throws the failure when it stands, saying how often
   * it was retried, or CANCELLED when the caller gave up during the wait.
   */
  private async retryOrThrow(retries: Retries, error: unknown, opts: CallOptions): Promise<void> {
    if (!(error instanceof DependencyError)) throw error;
    const delayMs = opts.signal?.aborted ? undefined : retries.next(error.code);
    if (delayMs === undefined) throw this.retried(error, retries);
    opts.onRetry?.({ attempt: retries.count, delayMs, error });
    try {
      await sleep(delayMs, undefined, { signal: opts.signal });
    } catch {
      throw this.retried(this.fail(cancelledError(`cancelled while waiting to retry after: ${error.details}`)), retries);
    }
  }

  /** The error a call ends with, saying how often it was sent again (if it was). */
  private retried(error: DependencyError, retries: Retries): DependencyError {
    const summary = retries.summary();
    return summary ? new DependencyError(error.service, error.address, error.code, error.details, summary) : error;
  }

  async unary<Req, Res>(method: Method<Req, Res>, request: Req, opts: CallOptions = {}): Promise<Res> {
    const retries = this.retries(method, opts);
    for (;;) {
      try {
        return await this.unaryAttempt(method, request, opts, retries.deadline);
      } catch (error) {
        await this.retryOrThrow(retries, error, opts);
      }
    }
  }

  /**
   * A server stream is sent again only until its first message: after that the
   * caller has acted on part of an answer, and a second answer would repeat it.
   */
  async *stream<Req, Res>(method: Method<Req, Res>, request: Req, opts: CallOptions = {}): AsyncGenerator<Res> {
    const retries = this.retries(method, opts);
    for (;;) {
      let received = false;
      try {
        for await (const message of this.streamAttempt(method, request, opts, retries.deadline)) {
          received = true;
          yield message;
        }
        return;
      } catch (error) {
        if (received && error instanceof DependencyError) throw this.retried(error, retries);
        if (received) throw error;
        await this.retryOrThrow(retries, error, opts);
      }
    }
  }

  private unaryAttempt<Req, Res>(method: Method<Req, Res>, request: Req, opts: CallOptions, deadline: number): Promise<Res> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(this.fail(cancelledError()));
      const onAbort = () => call.cancel();
      const call = this.client.makeUnaryRequest(...this.request(method, request, opts, deadline), (error, response) => {
        opts.signal?.removeEventListener("abort", onAbort);
        if (error) reject(this.fail(error));
        else resolve(response!);
      });
      call.on("metadata", (md: grpc.Metadata) => {
        if (md.get(CACHE_HEADER)[0] === CACHE_HIT) opts.onCacheHit?.();
        else opts.onCacheMiss?.();
      });
      opts.signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Server-streamed messages, read eagerly into a local queue. grpc-js reads on
   * demand, and while a slow consumer is paused the call's final status can
   * overtake messages still in flight, which are then lost: a job's last events
   * went missing that way. Reading in flowing mode delivers every message first.
   */
  private async *streamAttempt<Req, Res>(method: Method<Req, Res>, request: Req, opts: CallOptions, deadline: number): AsyncGenerator<Res> {
    if (opts.signal?.aborted) throw this.fail(cancelledError());
    const call = this.client.makeServerStreamRequest(...this.request(method, request, opts, deadline));
    const queue: Res[] = [];
    let failure: grpc.ServiceError | undefined;
    let ended = false;
    let wake: (() => void) | undefined;
    const notify = () => {
      wake?.();
      wake = undefined;
    };
    call.on("data", (message: Res) => {
      queue.push(message);
      notify();
    });
    // grpc-js emits 'error' (a non-OK status) before the stream's 'end'.
    call.on("error", (error: grpc.ServiceError) => {
      failure = error;
      notify();
    });
    for (const event of ["end", "close"]) {
      call.on(event, () => {
        ended = true;
        notify();
      });
    }
    const onAbort = () => call.cancel();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      while (true) {
        if (queue.length > 0) yield queue.shift()!;
        else if (failure) throw this.fail(failure);
        else if (ended) return;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      opts.signal?.removeEventListener("abort", onAbort);
      call.cancel();
    }
  }

  close(): void {
    this.client.close();
  }
}

function cancelledError(details = "cancelled before it was sent"): grpc.ServiceError {
  return Object.assign(new Error(details), {
    code: grpc.status.CANCELLED,
    details,
    metadata: new grpc.Metadata(),
  });
}
