// Where ffmpeg works for one request: a fresh temp folder, removed afterwards
// whatever happens, and ffmpeg commands (fluent-ffmpeg) that are killed when
// the caller cancels.
import * as fs from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import ffmpeg from "fluent-ffmpeg";
import type { Ffmpeg } from "./ffmpeg";

/** Options every command starts with: no banner, no keyboard, errors only. */
export const QUIET = ["-hide_banner", "-nostdin", "-loglevel", "error"];

export interface Workspace {
  /** A file's path in the folder. */
  at(file: string): string;
  /** A new ffmpeg command with the service's ffmpeg. */
  command(): ffmpeg.FfmpegCommand;
  /** Runs a command to its end; rejects with the caller's reason when it cancels. */
  run(command: ffmpeg.FfmpegCommand): Promise<void>;
}

/** The last lines ffmpeg wrote, for an error message a person can act on. */
function tail(stderr: string | null, lines = 6): string {
  return (stderr ?? "").trim().split("\n").slice(-lines).join(" | ") || "no output";
}

function run(command: ffmpeg.FfmpegCommand, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const stop = () => command.kill("SIGKILL");
    const done = () => signal.removeEventListener("abort", stop);
    // fluent-ffmpeg spawns after a few checks of its own: a cancel that lands before then is applied on start.
    command.on("start", () => {
      if (signal.aborted) stop();
    });
    command.on("end", () => {
      done();
      resolve();
    });
    command.on("error", (error: Error, _stdout: string | null, stderr: string | null) => {
      done();
      reject(signal.aborted ? signal.reason : new Error(`ffmpeg failed: ${error.message.split("\n")[0]}; ${tail(stderr)}`));
    });
    signal.addEventListener("abort", stop, { once: true });
    command.run();
  });
}

/** Runs `work` in a fresh temp folder and removes the folder afterwards. */
export async function inWorkspace<T>(tool: Ffmpeg, signal: AbortSignal, work: (ws: Workspace) => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "lectra-video-"));
  try {
    return await work({
      at: (file) => path.join(dir, file),
      command: () => ffmpeg({ stdoutLines: 0 }).setFfmpegPath(tool.path),
      run: (command) => run(command, signal),
    });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
