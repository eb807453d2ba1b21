// One connection to a LECTRA service and the two call shapes our contracts use,
// promisified. Every call carries a deadline (LECTRA_<SERVICE>_TIMEOUT_MS) and
// an optional AbortSignal that cancels it; failures come back as
// DependencyError naming the service and its address.
import * as grpc from "@grpc/grpc-js";
import { CACHE_BYPASS, CACHE_HEADER, CACHE_HIT } from "./cache-header";
import { MAX_MESSAGE_BYTES, serviceTimeoutMs, type ServiceName } from "./config";
import { DependencyError } from "./errors";

export interface CallOptions {
  /** Cancels the call when aborted. */
  signal?: AbortSignal;
  /** Overrides the default deadline. */
  timeoutMs?: number;
  /** Asks the service not to use its result cache for this call. */
  bypassCache?: boolean;
  /** Called when the service answered from its result cache. */
  onCacheHit?: () => void;
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

  constructor(
    readonly service: ServiceName,
    readonly address: string,
  ) {
    this.timeoutMs = serviceTimeoutMs(service);
    const options = service === "orchestrator" ? CHANNEL_OPTIONS : { ...CHANNEL_OPTIONS, ...BALANCED };
    this.client = new grpc.Client(address, grpc.credentials.createInsecure(), options);
    // Connect to every replica now rather than on the first call: calls made
    // while only one connection is ready all go to that one replica, so a
    // job's first burst of per-slide calls would not be spread.
    this.client.getChannel().getConnectivityState(true);
  }

  private fail(error: grpc.ServiceError): DependencyError {
    return new DependencyError(this.service, this.address, error.code, error.details || error.message);
  }

  /** What both call shapes start with: method, codecs, request, metadata and deadline. */
  private request<Req, Res>(method: Method<Req, Res>, request: Req, opts: CallOptions) {
    const metadata = new grpc.Metadata();
    if (opts.bypassCache) metadata.set(CACHE_HEADER, CACHE_BYPASS);
    const options: grpc.CallOptions = { deadline: Date.now() + (opts.timeoutMs ?? this.timeoutMs) };
    return [method.path, method.requestSerialize, method.responseDeserialize, request, metadata, options] as const;
  }

  unary<Req, Res>(method: Method<Req, Res>, request: Req, opts: CallOptions = {}): Promise<Res> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(this.fail(cancelledError()));
      const onAbort = () => call.cancel();
      const call = this.client.makeUnaryRequest(...this.request(method, request, opts), (error, response) => {
        opts.signal?.removeEventListener("abort", onAbort);
        if (error) reject(this.fail(error));
        else resolve(response!);
      });
      call.on("metadata", (md: grpc.Metadata) => {
        if (md.get(CACHE_HEADER)[0] === CACHE_HIT) opts.onCacheHit?.();
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
  async *stream<Req, Res>(method: Method<Req, Res>, request: Req, opts: CallOptions = {}): AsyncGenerator<Res> {
    if (opts.signal?.aborted) throw this.fail(cancelledError());
    const call = this.client.makeServerStreamRequest(...this.request(method, request, opts));
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

function cancelledError(): grpc.ServiceError {
  return Object.assign(new Error("cancelled before it was sent"), {
    code: grpc.status.CANCELLED,
    details: "cancelled before it was sent",
    metadata: new grpc.Metadata(),
  });
}
