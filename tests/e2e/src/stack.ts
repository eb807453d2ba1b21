// The whole system for an end-to-end test: six services as separate processes
// on free ports, all exporting spans to one OTLP/HTTP receiver, jobs kept in a
// fresh data dir.
import * as fs from "node:fs";
import { after, before } from "node:test";
import * as os from "node:os";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { GenerateRequest, type Job, type JobEvent } from "@lectra/proto";
import { DependencyError, type LectraClient } from "@lectra/clients";
import { freePort, OtlpReceiver, startLectra, WORKERS, type Lectra, type LectraOptions } from "@lectra/testing";

export { WORKERS };

export interface Stack extends Lectra {
  receiver: OtlpReceiver;
  dataDir: string;
}

/** A stack for one describe block: started before its tests, stopped after them. */
export function stackForSuite(env: NodeJS.ProcessEnv = {}): () => Stack {
  let stack: Stack | undefined;
  before(async () => {
    stack = await startStack(env);
  });
  after(() => stack?.stop());
  return () => stack!;
}

/** `env` overrides the defaults below (e.g. OLLAMA_HOST at a fake model server). */
export async function startStack(env: NodeJS.ProcessEnv = {}, options: LectraOptions = {}): Promise<Stack> {
  const receiver = new OtlpReceiver();
  const endpoint = await receiver.start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-e2e-"));
  // Nothing listens there: tests never depend on an Ollama the machine may run.
  const deadOllama = `http://127.0.0.1:${await freePort()}`;
  const lectra = await startLectra({
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
  }, options);
  return {
    ...lectra,
    receiver,
    dataDir,
    stop: async () => {
      await lectra.stop();
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
  const full = GenerateRequest.fromPartial(request);
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
