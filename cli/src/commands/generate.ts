// `lectra generate`: run one job, show its progress, download what it makes as
// soon as each file is ready, and print the stage report at the end. With
// --watch it also says, as soon as the first slide can be played, where the
// downloaded playlist is and how to play it while the rest is made.
import * as fs from "node:fs";
import * as path from "node:path";
import { status } from "@grpc/grpc-js";
import { JobState, type GenerateRequest, type Job, type JobEvent, type Playable } from "@lectra/proto";
import { DependencyError, lectraClient, type LectraClient } from "@lectra/clients";
import { downloadArtifact, humanBytes, JobDownloads } from "../download";
import { progressView, type ProgressView } from "../progress";
import { formatReport } from "../report";
import { readThemeFile } from "../theme-file";
import { UsageError } from "../usage-error";

export interface GenerateOptions {
  script?: string;
  topic?: string;
  slides?: number;
  voice?: string;
  language?: string;
  theme?: string;
  themeFile?: string;
  video: boolean;
  constantFrameRate?: boolean;
  cache: boolean;
  out?: string;
  orchestrator?: string;
  /** Say where the playlist is, and how to play it, as soon as slide 1 can be watched. */
  watch?: boolean;
}

export { UsageError };

export function buildRequest(opts: GenerateOptions): GenerateRequest {
  if (Boolean(opts.script) === Boolean(opts.topic)) throw new UsageError("give either --script FILE or --topic TEXT");
  if (opts.script && opts.slides !== undefined) throw new UsageError("--slides goes with --topic; a script brings its own slides");
  if (opts.theme && opts.themeFile) throw new UsageError('give either --theme NAME or --theme-file FILE; a theme file starts from a built-in theme with "base"');
  if (opts.watch && !opts.video) throw new UsageError("--watch plays the video as it is made; it does not go with --no-video");
  if (opts.watch && opts.constantFrameRate) throw new UsageError("--watch plays the slides' clips as they are made; --constant-frame-rate encodes the video in one piece at the end");
  let source: GenerateRequest["source"];
  if (opts.script) {
    if (!fs.existsSync(opts.script)) throw new UsageError(`no such script file: ${opts.script}`);
    source = { $case: "script", value: fs.readFileSync(opts.script, "utf8") };
  } else {
    source = { $case: "topic", value: opts.topic! };
  }
  return {
    source,
    slideCount: opts.slides ?? 0,
    voice: opts.voice ?? "",
    language: opts.language ?? "",
    skipVideo: !opts.video,
    constantFrameRate: Boolean(opts.constantFrameRate),
    noCache: !opts.cache,
    theme: opts.theme ?? "",
    themeJson: opts.themeFile ? readThemeFile(opts.themeFile) : "",
  };
}

/** Runs the job to its end; returns it with where its files went. */
export async function generate(opts: GenerateOptions): Promise<{ job: Job; dir: string }> {
  const request = buildRequest(opts);
  const client = lectraClient(opts.orchestrator);
  return follow(client, client.generate(request), opts.out, Boolean(opts.watch));
}

/** Resumes a job that did not succeed and follows it like generate. */
export async function resume(id: string, opts: { out?: string; orchestrator?: string }): Promise<{ job: Job; dir: string }> {
  const client = lectraClient(opts.orchestrator);
  return follow(client, client.resumeJob({ jobId: id }), opts.out, false);
}

/** Shows a job's events, downloads each file as it is ready, and returns the job as it ended. */
async function follow(client: LectraClient, events: AsyncIterable<{ event?: JobEvent }>, out: string | undefined, watch: boolean): Promise<{ job: Job; dir: string }> {
  const view = progressView();
  let downloads: JobDownloads | undefined;
  let watching: Promise<void> | undefined;
  let job: Job | undefined;
  let dir = "";
  let interrupts = 0;

  const onSigint = () => {
    if (!job || ++interrupts > 1) process.exit(130);
    process.stderr.write(`\ncancelling job ${job.id} (Ctrl-C again to quit at once)…\n`);
    void client.cancelJob({ jobId: job.id }).catch(() => undefined);
  };
  process.on("SIGINT", onSigint);

  try {
    for await (const { event } of events) {
      if (!event?.kind) continue;
      view.onEvent(event);
      const kind = event.kind;
      if (kind.$case === "started") {
        job = kind.value;
        dir = path.resolve(out ?? path.join("out", job.id));
        downloads = new JobDownloads(client, job.id, dir);
      } else if (kind.$case === "artifact") {
        void downloads?.fetch(kind.value.name);
      } else if (kind.$case === "playable" && watch && !watching) {
        watching = showWhereToWatch(view, downloads!, dir, kind.value);
      } else if (kind.$case === "finished") {
        job = kind.value;
      }
    }
  } catch (error) {
    // A failed job ends the stream with its status, after the finished event.
    if (!(error instanceof DependencyError) || !job || job.state === JobState.JOB_STATE_RUNNING || job.state === JobState.JOB_STATE_QUEUED) throw explain(error);
  } finally {
    view.stop();
    process.off("SIGINT", onSigint);
  }
  await downloads?.settled();
  await watching;
  if (job) await downloadArtifact(client, job.id, "job.json", dir);
  client.downstream.close();
  return { job: job!, dir };
}

/**
 * Once the playlist that made slide 1 playable is downloaded (after the
 * segments it names), says where it is and how to play it. ffmpeg's players
 * start a growing playlist three segments from its end: live_start_index=0
 * plays it from the first slide however late the player is started.
 */
async function showWhereToWatch(view: ProgressView, downloads: JobDownloads, dir: string, playable: Playable): Promise<void> {
  await downloads.current(playable.playlist)?.catch(() => undefined);
  const playlist = path.join(dir, playable.playlist);
  const shown = path.relative(process.cwd(), playlist) || playlist;
  view.note(`watch now: ${playlist}`);
  view.note(`  ffplay -live_start_index 0 ${shown}`);
  view.note(`  mpv --demuxer-lavf-o=live_start_index=0 ${shown}`);
}

export function printSummary(job: Job, dir: string): void {
  const state = JobState[job.state].replace("JOB_STATE_", "");
  const out = process.stdout;
  out.write(`\n${job.title || job.topic} — ${state}\n`);
  if (job.error) out.write(`  ${job.error.code}: ${job.error.message}\n`);
  for (const w of job.warnings) out.write(`  warning: ${w}\n`);
  for (const a of job.artifacts) out.write(`  ${path.join(dir, a.name).padEnd(50)} ${humanBytes(a.sizeBytes)}\n`);
  out.write(`  ${path.join(dir, "job.json")}\n`);
  if (job.report) out.write(`\n${formatReport(job.report)}\n`);
  out.write(`\njob ${job.id} · trace ${job.traceId}\n`);
}

export function exitCode(job: Job): number {
  return job.state === JobState.JOB_STATE_SUCCEEDED ? 0 : job.state === JobState.JOB_STATE_CANCELLED ? 130 : 1;
}

/** Adds what to do to the errors a person meets most. */
export function explain(error: unknown): Error {
  if (error instanceof DependencyError && error.code === status.UNAVAILABLE && error.service === "orchestrator") {
    return new Error(
      `${error.message}\nStart LECTRA first: npx lectra up (or set LECTRA_ORCHESTRATOR_ADDR). ` +
        "If it serves TLS, set LECTRA_TLS_CA_FILE to the CA that signed its certificate.",
    );
  }
  if (error instanceof DependencyError && error.code === status.INVALID_ARGUMENT) return new UsageError(error.details);
  return error instanceof Error ? error : new Error(String(error));
}
