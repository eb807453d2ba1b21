// LectraService, the public API: start a job and stream its events, look jobs
// up, cancel them, and download what they made.
import * as fs from "node:fs";
import { status } from "@grpc/grpc-js";
import {
  JobState,
  type DownloadArtifactRequest,
  type DownloadArtifactResponse,
  type GenerateRequest,
  type GenerateResponse,
  type Job,
  type LectraServiceServer,
} from "@lectra/proto";
import { DependencyError, type SpeechClient } from "@lectra/clients";
import { invalidArgument, notFound, RpcError, serverStream, unary, type Logger } from "@lectra/service-kit";
import { JOB_RECORD } from "./artifacts";
import type { Jobs } from "./jobs/registry";
import { checkJobId, type JobStore } from "./jobs/store";
import { validateGenerate } from "./request";

const CHUNK_BYTES = 1 << 20;

/** How a job's end reads as the Generate call's final status. */
function endStatus(job: Job): RpcError | undefined {
  switch (job.state) {
    case JobState.JOB_STATE_SUCCEEDED:
      return undefined;
    case JobState.JOB_STATE_CANCELLED:
      return new RpcError(status.CANCELLED, `job ${job.id} was cancelled: ${job.error?.message ?? ""}`);
    case JobState.JOB_STATE_INTERRUPTED:
      return new RpcError(status.UNAVAILABLE, `job ${job.id} was interrupted: ${job.error?.message ?? ""}`);
    default: {
      const code = (status as unknown as Record<string, status>)[job.error?.code ?? ""] ?? status.INTERNAL;
      return new RpcError(code, `job ${job.id} failed: ${job.error?.message ?? "unknown error"}`);
    }
  }
}

export function lectraHandlers(deps: { jobs: Jobs; store: JobStore; speech: SpeechClient; log: Logger }): LectraServiceServer {
  const { jobs, store, speech, log } = deps;

  /**
   * The voice a job speaks with, settled before the job exists: the speech
   * service says what a name means (an unknown one is INVALID_ARGUMENT), and an
   * empty one becomes its default now, so every slide uses the same voice even
   * if the default changes mid-job (Edge's voice list may arrive late).
   */
  async function resolveVoice(name: string, signal: AbortSignal): Promise<string> {
    try {
      return (await speech.resolveVoice({ name }, { signal })).voice!.name;
    } catch (error) {
      if (error instanceof DependencyError && error.code === status.INVALID_ARGUMENT) throw new RpcError(status.INVALID_ARGUMENT, error.details);
      throw new RpcError(status.UNAVAILABLE, `cannot look up the voice: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return {
    generate: serverStream(log, "Generate", async (req: GenerateRequest, send, ctx) => {
      const request = validateGenerate(req);
      request.voice = await resolveVoice(request.voice, ctx.signal);

      let sending = Promise.resolve();
      const running = await jobs.start(request, (event) => {
        sending = sending.then(() => send({ event } satisfies GenerateResponse)).catch(() => undefined);
      });
      // The job belongs to this call: when the caller goes away, the job stops.
      const onCallerGone = () => void jobs.cancel(running.job.jobId, "the Generate call was cancelled by its caller");
      ctx.signal.addEventListener("abort", onCallerGone, { once: true });
      const job = await running.done;
      ctx.signal.removeEventListener("abort", onCallerGone);
      await sending;
      const failed = endStatus(job);
      if (failed) throw failed;
    }),

    getJob: unary(log, "GetJob", async (req) => ({ job: jobs.get(checkJobId("job_id", req.jobId)) })),

    listJobs: unary(log, "ListJobs", async (req) => {
      if (req.pageSize < 0 || req.pageSize > 100) throw invalidArgument("page_size", `must be 1..100 (0 means 20), got ${req.pageSize}`);
      const size = req.pageSize || 20;
      const offset = req.pageToken ? Number.parseInt(Buffer.from(req.pageToken, "base64url").toString(), 10) : 0;
      if (!Number.isInteger(offset) || offset < 0) throw invalidArgument("page_token", "is not a token from a previous ListJobs");
      const all = store.list().map((j) => jobs.get(j.id));
      const page = all.slice(offset, offset + size);
      const next = offset + size < all.length ? Buffer.from(String(offset + size)).toString("base64url") : "";
      return { jobs: page, nextPageToken: next };
    }),

    cancelJob: unary(log, "CancelJob", async (req) => {
      const id = checkJobId("job_id", req.jobId);
      jobs.get(id); // NOT_FOUND before anything else
      return { job: await jobs.cancel(id, "cancelled through CancelJob") };
    }),

    downloadArtifact: serverStream(log, "DownloadArtifact", async (req: DownloadArtifactRequest, send, ctx) => {
      const job = jobs.get(checkJobId("job_id", req.jobId));
      const file = store.artifactPath(job.id, req.name);
      const artifact =
        req.name === JOB_RECORD
          ? { name: JOB_RECORD, mediaType: "application/json", sizeBytes: fs.statSync(file).size, sha256: "" }
          : job.artifacts.find((a) => a.name === req.name);
      if (!artifact) {
        const have = job.artifacts.map((a) => a.name).join(", ") || "none yet";
        throw notFound(`job ${job.id} has no artifact "${req.name}" (it has: ${have})`);
      }
      let first = true;
      for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES, signal: ctx.signal })) {
        await send({ artifact: first ? artifact : undefined, chunk } satisfies DownloadArtifactResponse);
        first = false;
      }
      if (first) await send({ artifact, chunk: Buffer.alloc(0) });
    }),
  };
}
