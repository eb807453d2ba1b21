// LectraService, the public API: start a job and stream its events, look jobs
// up, cancel them, download what they made, and list the themes.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { status } from "@grpc/grpc-js";
import {
  JobState,
  type DownloadArtifactRequest,
  type DownloadArtifactResponse,
  type GenerateRequest,
  type GenerateResponse,
  type Job,
  type JobEvent,
  type ResumeJobRequest,
  type LectraServiceServer,
  type Voice,
} from "@lectra/proto";
import { DependencyError, type SpeechClient } from "@lectra/clients";
import { speaksLanguage } from "@lectra/lecture";
import { invalidArgument, notFound, RpcError, serverStream, unary, type Logger } from "@lectra/service-kit";
import { builtInThemes, DEFAULT_THEME, SHIPPED_FONTS } from "@lectra/themes";
import { JOB_RECORD } from "./artifacts";
import type { Jobs, RunningJob } from "./jobs/registry";
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
  async function resolveVoice(name: string, language: string, signal: AbortSignal): Promise<Voice> {
    try {
      return (await speech.resolveVoice({ name, language }, { signal })).voice!;
    } catch (error) {
      if (error instanceof DependencyError && error.code === status.INVALID_ARGUMENT) throw new RpcError(status.INVALID_ARGUMENT, error.details);
      throw new RpcError(status.UNAVAILABLE, `cannot look up the voice: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** A job's record with the bytes its files take now. */
  const withSize = (job: Job): Job => ({ ...job, sizeBytes: store.sizeBytes(job.id) });

  /**
   * Streams a job's events to the call until the job ends, and ends the call
   * as the job ended. The job belongs to the call: when the caller goes away,
   * the job stops.
   */
  async function follow(
    method: string,
    start: (listener: (event: JobEvent) => void) => Promise<RunningJob>,
    send: (response: GenerateResponse) => Promise<void>,
    callerGone: AbortSignal,
  ): Promise<void> {
    let sending = Promise.resolve();
    const running = await start((event) => {
      sending = sending.then(() => send({ event })).catch(() => undefined);
    });
    const onCallerGone = () => void jobs.cancel(running.job.jobId, `the ${method} call was cancelled by its caller`);
    callerGone.addEventListener("abort", onCallerGone, { once: true });
    const job = await running.done;
    callerGone.removeEventListener("abort", onCallerGone);
    await sending;
    const failed = endStatus(job);
    if (failed) throw failed;
  }

  return {
    generate: serverStream(log, "Generate", async (req: GenerateRequest, send, ctx) => {
      const request = validateGenerate(req);
      const voice = await resolveVoice(request.voice, request.language, ctx.signal);
      request.voice = voice.name;
      const spoken = voiceLanguageNote(voice, request.language);
      if (spoken) request.notes = [spoken];
      // Stored as it will be replayed by ResumeJob: with the voice and language it got now.
      const stored = { ...req, voice: request.voice, language: request.language };
      await follow("Generate", (listener) => jobs.start(request, stored, listener), send, ctx.signal);
    }),

    resumeJob: serverStream(log, "ResumeJob", async (req: ResumeJobRequest, send, ctx) => {
      const id = checkJobId("job_id", req.jobId);
      await follow("ResumeJob", (listener) => jobs.resume(id, listener), send, ctx.signal);
    }),

    deleteJob: unary(log, "DeleteJob", async (req) => {
      await jobs.delete(checkJobId("job_id", req.jobId));
      return {};
    }),

    getJob: unary(log, "GetJob", async (req) => ({ job: withSize(jobs.get(checkJobId("job_id", req.jobId))) })),

    listJobs: unary(log, "ListJobs", async (req) => {
      if (req.pageSize < 0 || req.pageSize > 100) throw invalidArgument("page_size", `must be 1..100 (0 means 20), got ${req.pageSize}`);
      const size = req.pageSize || 20;
      const offset = req.pageToken ? Number.parseInt(Buffer.from(req.pageToken, "base64url").toString(), 10) : 0;
      if (!Number.isInteger(offset) || offset < 0) throw invalidArgument("page_token", "is not a token from a previous ListJobs");
      const all = store.list();
      const page = all.slice(offset, offset + size).map((j) => withSize(jobs.get(j.id)));
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
      // An artifact can be rewritten while it is sent: the playlist grows as slides finish.
      // One that fits in a chunk is read whole and described by the bytes read, so the
      // size and checksum that come first are always those of what follows.
      if (req.name !== JOB_RECORD && artifact.sizeBytes <= CHUNK_BYTES) {
        const data = await fs.promises.readFile(file, { signal: ctx.signal });
        await send({ artifact: { ...artifact, sizeBytes: data.length, sha256: createHash("sha256").update(data).digest("hex") }, chunk: data });
        return;
      }
      let first = true;
      for await (const chunk of fs.createReadStream(file, { highWaterMark: CHUNK_BYTES, signal: ctx.signal })) {
        await send({ artifact: first ? artifact : undefined, chunk } satisfies DownloadArtifactResponse);
        first = false;
      }
      if (first) await send({ artifact, chunk: Buffer.alloc(0) });
    }),

    listThemes: unary(log, "ListThemes", async () => ({ themes: [...builtInThemes], defaultTheme: DEFAULT_THEME, fonts: [...SHIPPED_FONTS] })),
  };
}

/**
 * A voice that does not speak the lecture's language reads it with the wrong
 * sounds (or not at all): the job goes on, since it was asked for, and says so.
 */
export function voiceLanguageNote(voice: Voice, language: string): string | undefined {
  if (speaksLanguage(voice.language, language)) return undefined;
  return `the voice ${voice.name} speaks ${voice.language}, but the lecture is in ${language}; leave the voice out to get one that speaks ${language}`;
}
