// Typed, promisified clients for every LECTRA service, written once here. Every
// call carries a deadline (LECTRA_<SERVICE>_TIMEOUT_MS) and an optional
// AbortSignal that cancels it; failures come back as DependencyError naming the
// service and its address.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { protoPath as healthProtoPath } from "grpc-health-check";
import {
  ImagesServiceClient,
  LectraServiceClient,
  LlmServiceClient,
  SlidesServiceClient,
  SpeechServiceClient,
  VideoServiceClient,
} from "@lectra/proto";
import { MAX_MESSAGE_BYTES, serviceTarget, serviceTimeoutMs, type ServiceName } from "./config";
import { CACHE_HEADER } from "./cache";
import { statusName } from "./errors";

export interface CallOptions {
  /** Cancels the call when aborted. */
  signal?: AbortSignal;
  /** Overrides the service's default deadline. */
  timeoutMs?: number;
  /** Asks the service not to use its result cache for this call. */
  bypassCache?: boolean;
  /** Called when the service answered from its result cache. */
  onCacheHit?: () => void;
}

export const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  // A replica that was down is tried again within 10 s, not grpc's 2 minutes.
  "grpc.max_reconnect_backoff_ms": 10_000,
};

/**
 * The five services the orchestrator calls may run as many replicas: every
 * call goes to the next ready address the target resolves to. The default
 * (pick_first) would keep one HTTP/2 connection to one replica and leave the
 * others idle; servers end connections after a while (server.ts) so that a
 * name is resolved again and new replicas join. The orchestrator is one
 * process (its jobs are on its disk), so its callers keep pick_first: after a
 * restart their next call connects at once, where round_robin would fail calls
 * until its reconnect backoff ran out.
 */
const BALANCED: grpc.ChannelOptions = {
  "grpc.service_config": JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
};

const WHAT: Partial<Record<grpc.status, string>> = {
  [grpc.status.UNAVAILABLE]: "is unavailable",
  [grpc.status.DEADLINE_EXCEEDED]: "did not answer before the deadline",
  [grpc.status.CANCELLED]: "call was cancelled",
};

/** A call to another service failed; says which service, where, and how. */
export class DependencyError extends Error {
  override name = "DependencyError";
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(`${service} service (${address}) ${WHAT[code] ?? `answered ${statusName(code)}`}: ${details}`);
  }
}

type Callback<Res> = (error: grpc.ServiceError | null, response: Res) => void;
type UnaryMethod<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>, callback: Callback<Res>) => grpc.ClientUnaryCall;
type StreamMethod<Req, Res> = (request: Req, metadata: grpc.Metadata, options: Partial<grpc.CallOptions>) => grpc.ClientReadableStream<Res>;

/** One downstream service: the raw client plus the promisified call shapes. */
export class Downstream<C extends grpc.Client> {
  readonly timeoutMs: number;
  constructor(
    readonly service: ServiceName,
    readonly address: string,
    readonly client: C,
  ) {
    this.timeoutMs = serviceTimeoutMs(service);
    // Connect to every replica now rather than on the first call: calls made
    // while only one connection is ready all go to that one replica, so a
    // job's first burst of per-slide calls would not be spread.
    client.getChannel().getConnectivityState(true);
  }

  private fail(error: grpc.ServiceError): DependencyError {
    return new DependencyError(this.service, this.address, error.code, error.details || error.message);
  }

  private options(opts: CallOptions): Partial<grpc.CallOptions> {
    return { deadline: Date.now() + (opts.timeoutMs ?? this.timeoutMs) };
  }

  unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, opts: CallOptions = {}): Promise<Res> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(this.fail(cancelledError()));
      const onAbort = () => call.cancel();
      const call = method.call(this.client, request, requestMetadata(opts), this.options(opts), (error, response) => {
        opts.signal?.removeEventListener("abort", onAbort);
        if (error) reject(this.fail(error));
        else resolve(response);
      });
      call.on("metadata", (md: grpc.Metadata) => {
        if (md.get(CACHE_HEADER)[0] === "hit") opts.onCacheHit?.();
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
  async *stream<Req, Res>(method: StreamMethod<Req, Res>, request: Req, opts: CallOptions = {}): AsyncGenerator<Res> {
    if (opts.signal?.aborted) throw this.fail(cancelledError());
    const call = method.call(this.client, request, requestMetadata(opts), this.options(opts));
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

function requestMetadata(opts: CallOptions): grpc.Metadata {
  const md = new grpc.Metadata();
  if (opts.bypassCache) md.set(CACHE_HEADER, "bypass");
  return md;
}

function cancelledError(): grpc.ServiceError {
  return Object.assign(new Error("cancelled before it was sent"), {
    code: grpc.status.CANCELLED,
    details: "cancelled before it was sent",
    metadata: new grpc.Metadata(),
  });
}

type ClientClass<C> = new (address: string, credentials: grpc.ChannelCredentials, options?: Partial<grpc.ClientOptions>) => C;

function connect<C extends grpc.Client>(service: ServiceName, Client: ClientClass<C>, address = serviceTarget(service)): Downstream<C> {
  const options = service === "orchestrator" ? CHANNEL_OPTIONS : { ...CHANNEL_OPTIONS, ...BALANCED };
  return new Downstream(service, address, new Client(address, grpc.credentials.createInsecure(), options));
}

export function llmClient(address?: string) {
  const d = connect("llm", LlmServiceClient, address);
  const c = d.client;
  return {
    downstream: d,
    prepareModel: (req: Parameters<typeof c.prepareModel>[0], o?: CallOptions) => d.stream(c.prepareModel, req, o),
    outline: (req: Parameters<typeof c.outline>[0], o?: CallOptions) => d.unary(c.outline, req, o),
    writeSlide: (req: Parameters<typeof c.writeSlide>[0], o?: CallOptions) => d.unary(c.writeSlide, req, o),
    tagProsody: (req: Parameters<typeof c.tagProsody>[0], o?: CallOptions) => d.unary(c.tagProsody, req, o),
  };
}

export function imagesClient(address?: string) {
  const d = connect("images", ImagesServiceClient, address);
  const c = d.client;
  return {
    downstream: d,
    findPicture: (req: Parameters<typeof c.findPicture>[0], o?: CallOptions) => d.unary(c.findPicture, req, o),
  };
}

export function slidesClient(address?: string) {
  const d = connect("slides", SlidesServiceClient, address);
  const c = d.client;
  return {
    downstream: d,
    renderFrames: (req: Parameters<typeof c.renderFrames>[0], o?: CallOptions) => d.unary(c.renderFrames, req, o),
    buildDeck: (req: Parameters<typeof c.buildDeck>[0], o?: CallOptions) => d.stream(c.buildDeck, req, o),
  };
}

export function speechClient(address?: string) {
  const d = connect("speech", SpeechServiceClient, address);
  const c = d.client;
  return {
    downstream: d,
    listVoices: (req: Parameters<typeof c.listVoices>[0], o?: CallOptions) => d.unary(c.listVoices, req, o),
    resolveVoice: (req: Parameters<typeof c.resolveVoice>[0], o?: CallOptions) => d.unary(c.resolveVoice, req, o),
    synthesize: (req: Parameters<typeof c.synthesize>[0], o?: CallOptions) => d.unary(c.synthesize, req, o),
  };
}

export function videoClient(address?: string) {
  const d = connect("video", VideoServiceClient, address);
  const c = d.client;
  return {
    downstream: d,
    renderVideo: (req: Parameters<typeof c.renderVideo>[0], o?: CallOptions) => d.stream(c.renderVideo, req, o),
    writeCaptions: (req: Parameters<typeof c.writeCaptions>[0], o?: CallOptions) => d.unary(c.writeCaptions, req, o),
    renderClip: (req: Parameters<typeof c.renderClip>[0], o?: CallOptions) => d.unary(c.renderClip, req, o),
    assembleVideo: (req: Parameters<typeof c.assembleVideo>[0], o?: CallOptions) => d.stream(c.assembleVideo, req, o),
  };
}

/** The public API, for the CLI and tests. */
export function lectraClient(address?: string) {
  const d = connect("orchestrator", LectraServiceClient, address);
  const c = d.client;
  return {
    downstream: d,
    /** Job events until the job ends; no deadline, since a job takes as long as it takes. */
    generate: (req: Parameters<typeof c.generate>[0], o: CallOptions = {}) => d.stream(c.generate, req, { timeoutMs: 24 * 3600_000, ...o }),
    getJob: (req: Parameters<typeof c.getJob>[0], o?: CallOptions) => d.unary(c.getJob, req, o),
    listJobs: (req: Parameters<typeof c.listJobs>[0], o?: CallOptions) => d.unary(c.listJobs, req, o),
    cancelJob: (req: Parameters<typeof c.cancelJob>[0], o?: CallOptions) => d.unary(c.cancelJob, req, o),
    downloadArtifact: (req: Parameters<typeof c.downloadArtifact>[0], o?: CallOptions) => d.stream(c.downloadArtifact, req, o),
  };
}

export type LlmClient = ReturnType<typeof llmClient>;
export type ImagesClient = ReturnType<typeof imagesClient>;
export type SlidesClient = ReturnType<typeof slidesClient>;
export type SpeechClient = ReturnType<typeof speechClient>;
export type VideoClient = ReturnType<typeof videoClient>;
export type LectraClient = ReturnType<typeof lectraClient>;

type HealthStatus = "UNKNOWN" | "SERVING" | "NOT_SERVING" | "SERVICE_UNKNOWN";
interface HealthClient extends grpc.Client {
  check(request: { service: string }, options: Partial<grpc.CallOptions>, callback: Callback<{ status: HealthStatus }>): grpc.ClientUnaryCall;
}
const HealthClientClass = (
  grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { enums: String })) as unknown as {
    grpc: { health: { v1: { Health: ClientClass<HealthClient> } } };
  }
).grpc.health.v1.Health;

/** One grpc.health.v1 Check; "UNREACHABLE" when nothing answers. */
export function checkHealth(address: string, timeoutMs = 1000): Promise<HealthStatus | "UNREACHABLE"> {
  const client = new HealthClientClass(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.check({ service: "" }, { deadline: Date.now() + timeoutMs }, (error, response) => {
      client.close();
      resolve(error ? "UNREACHABLE" : response.status);
    });
  });
}

/** Polls health until the service at `address` is SERVING, or throws after `timeoutMs`. */
export async function waitUntilServing(address: string, { timeoutMs = 30_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {}) {
  const until = Date.now() + timeoutMs;
  let last: string = "UNREACHABLE";
  while (Date.now() < until) {
    signal?.throwIfAborted();
    last = await checkHealth(address, 1000);
    if (last === "SERVING") return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${address} is not SERVING after ${timeoutMs} ms (last health: ${last})`);
}
