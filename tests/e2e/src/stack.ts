// The whole system for an end-to-end test: six services as separate processes
// on free ports, all exporting spans to one OTLP/HTTP receiver, jobs kept in a
// fresh data dir.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import type { GenerateRequest, Job, JobEvent } from "@lectra/proto";
import { DependencyError, lectraClient, type LectraClient, type ServiceName } from "@lectra/service-kit";
import { addressesEnv, freePort, OtlpReceiver, startService, type ServiceProcess } from "@lectra/testing";

export const WORKERS: ServiceName[] = ["llm", "images", "slides", "speech", "video"];

export interface Stack {
  receiver: OtlpReceiver;
  services: Map<ServiceName, ServiceProcess>;
  dataDir: string;
  orchestratorAddress: string;
  /** Environment every service gets: addresses, tracing, data dir. */
  env: NodeJS.ProcessEnv;
  client: LectraClient;
  startOrchestrator(extraEnv?: NodeJS.ProcessEnv): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/** `env` overrides the defaults below (e.g. OLLAMA_HOST at a fake model server). */
export async function startStack(env: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-e2e-"));
  // Nothing listens there: tests never depend on an Ollama the machine may run.
  const deadOllama = `http://127.0.0.1:${await freePort()}`;
  const baseEnv: NodeJS.ProcessEnv = {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_BSP_SCHEDULE_DELAY: "200",
    LECTRA_DATA_DIR: dataDir,
    LECTRA_CACHE_MAX_MB: "256",
    OLLAMA_HOST: deadOllama,
    // The offline engines: results must not depend on whether this machine reaches the internet.
    LECTRA_TTS_ENGINE: "espeak",
    LECTRA_IMAGES_ENGINES: "icons",
    LECTRA_SHUTDOWN_GRACE_MS: "3000",
    ...env,
  };
  const services = new Map<ServiceName, ServiceProcess>();
  const workers = await Promise.all(WORKERS.map((name) => startService(name, { env: baseEnv })));
  workers.forEach((s) => services.set(s.name, s));
  const orchestratorAddress = `127.0.0.1:${await freePort()}`;
  const stackEnv = { ...baseEnv, ...addressesEnv(workers) };

  const startOrchestrator = async (extraEnv: NodeJS.ProcessEnv = {}) => {
    const o = await startService("orchestrator", { env: { ...stackEnv, ...extraEnv }, address: orchestratorAddress });
    services.set("orchestrator", o);
    return o;
  };
  await startOrchestrator();
  const client = lectraClient(orchestratorAddress);

  return {
    receiver,
    services,
    dataDir,
    orchestratorAddress,
    env: stackEnv,
    client,
    startOrchestrator,
    stop: async () => {
      client.downstream.close();
      await Promise.all([...services.values()].map((s) => s.stop()));
      await receiver.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Run {
  events: JobEvent[];
  job: Job | undefined;
  /** The status the Generate call ended with (undefined for OK). */
  error: DependencyError | undefined;
}

/** Runs Generate to its end, collecting every event; `onEvent` may act mid-way (e.g. cancel). */
export async function run(client: LectraClient, request: Partial<GenerateRequest>, onEvent?: (e: JobEvent) => void | Promise<void>): Promise<Run> {
  const events: JobEvent[] = [];
  let error: DependencyError | undefined;
  const full: GenerateRequest = { source: undefined, slideCount: 0, voice: "", skipVideo: false, constantFrameRate: false, noCache: false, ...request };
  try {
    for await (const { event } of client.generate(full)) {
      if (!event) continue;
      events.push(event);
      await onEvent?.(event);
    }
  } catch (e) {
    if (!(e instanceof DependencyError)) throw e;
    error = e;
  }
  const last = events.at(-1)?.kind;
  return { events, job: last?.$case === "finished" ? last.value : undefined, error };
}

export const isInvalid = (r: Run, field: string) =>
  r.error?.code === status.INVALID_ARGUMENT && r.error.details.startsWith(`${field}:`);

/** A lecture script with `slides` slides, each with `sentences` sentences of narration. */
export function script(slides: number, sentences = 2, title = "Test Lecture"): string {
  const body = Array.from({ length: slides }, (_, i) => {
    const narration = Array.from({ length: sentences }, (_, j) => `This is sentence ${j + 1} of slide ${i + 1}, about the heart and the lungs.`).join(" ");
    return `## Slide ${i + 1}\n- Point one of slide ${i + 1}\n- Point two\nImage: heart\n\n${narration}\n`;
  });
  return `# ${title}\n\n${body.join("\n")}`;
}
