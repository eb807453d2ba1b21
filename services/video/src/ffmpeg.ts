// Finds the ffmpeg to run, once, at start-up: LECTRA_FFMPEG_PATH when set (and
// nothing else then: an explicit choice must work), else `ffmpeg` on PATH, else
// the static binary from @ffmpeg-installer/ffmpeg. Each is asked for its version,
// which decides how the frame-rate mode is spelled (-fps_mode from 5.1, -vsync
// before; the npm binary is 4.1), and for its encoders, which decide the engine:
// h264_nvenc when this ffmpeg has it and a one-frame trial shows a GPU answers
// (ffmpeg lists NVENC on machines without one), libx264 otherwise.
// LECTRA_VIDEO_ENCODER=libx264|h264_nvenc forces one.
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { ensureExecutable } from "@lectra/launcher";
import { envString, type Logger } from "@lectra/service-kit";
import type { VideoEncoder } from "./engines/engine";
import { libx264 } from "./engines/libx264";
import { nvenc } from "./engines/nvenc";

const run = promisify(execFile);

/** The encoders the service can drive, best first; the first one this ffmpeg has, and that works here, is used. */
export const ENCODERS: VideoEncoder[] = [nvenc, libx264];

/** Encoders that need hardware: listed is not enough, a trial frame must encode. */
const NEEDS_TRIAL = new Set([nvenc.name]);

export type FrameRateOption = "-fps_mode" | "-vsync";

export interface Ffmpeg {
  path: string;
  /** Where it was found: "LECTRA_FFMPEG_PATH", "PATH" or "@ffmpeg-installer/ffmpeg". */
  source: string;
  /** As ffmpeg says it, e.g. "5.1.9-0+deb12u1" or "N-47683-g0e8eb07980-static". */
  version: string;
  frameRateOption: FrameRateOption;
  encoder: VideoEncoder;
}

/** The version word after "ffmpeg version". */
export function versionName(versionOutput: string): string {
  return /ffmpeg version (\S+)/.exec(versionOutput)?.[1] ?? "unknown";
}

/**
 * -fps_mode arrived in ffmpeg 5.1 (libavutil 57.28); -vsync is deprecated from
 * then on. libavutil's version is read first because git builds, like the npm
 * binary ("N-47683-g0e8eb07980"), have no release number.
 */
export function frameRateOption(versionOutput: string): FrameRateOption {
  const avutil = /^libavutil\s+(\d+)\.\s*(\d+)\./m.exec(versionOutput);
  if (avutil) return Number(avutil[1]) > 57 || (Number(avutil[1]) === 57 && Number(avutil[2]) >= 28) ? "-fps_mode" : "-vsync";
  const release = /ffmpeg version n?(\d{1,2})\.(\d+)/.exec(versionOutput);
  if (release) return Number(release[1]) > 5 || (Number(release[1]) === 5 && Number(release[2]) >= 1) ? "-fps_mode" : "-vsync";
  return "-vsync";
}

/** Encoder names from `ffmpeg -encoders` (" V....D libx264  libx264 H.264 ..."). */
export function parseEncoders(encodersOutput: string): Set<string> {
  const names = new Set<string>();
  for (const m of encodersOutput.matchAll(/^\s*[VAS][A-Z.]{5}\s+(\S+)/gm)) if (m[1] !== "=") names.add(m[1]);
  return names;
}

/** The encoders to try, best first: all the ones this ffmpeg has, or only the one asked for. */
export function encoderCandidates(available: Set<string>, wanted = "auto"): VideoEncoder[] {
  const known = wanted === "auto" ? ENCODERS : ENCODERS.filter((e) => e.name === wanted);
  return known.filter((e) => available.has(e.name));
}

/** One tiny frame through the encoder: proves the hardware behind it answers. */
async function trialEncode(ffmpegPath: string, encoder: VideoEncoder): Promise<string | undefined> {
  try {
    await run(ffmpegPath, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=black:s=256x256:d=0.1", "-frames:v", "1", ...encoder.outputOptions("variable"), "-f", "null", "-"], { timeout: 20_000 });
    return undefined;
  } catch (error) {
    return ((error as { stderr?: string }).stderr || (error as Error).message).trim().split("\n").slice(-1)[0];
  }
}

interface Candidate {
  path: string;
  source: string;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    await fs.access(file, fs.constants.X_OK);
    return stat.isFile();
  } catch {
    return false;
  }
}

async function onPath(env: NodeJS.ProcessEnv): Promise<Candidate | undefined> {
  for (const dir of (env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, "ffmpeg");
    if (await isExecutable(file)) return { path: file, source: "PATH" };
  }
  return undefined;
}

async function fromInstaller(): Promise<Candidate | string> {
  let file: string;
  try {
    file = (require("@ffmpeg-installer/ffmpeg") as { path: string }).path;
    ensureExecutable(file);
  } catch (error) {
    return `@ffmpeg-installer/ffmpeg: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { path: file, source: "@ffmpeg-installer/ffmpeg" };
}

async function probe(candidate: Candidate, wanted: string, log: Logger): Promise<Ffmpeg> {
  const options = { timeout: 15_000, maxBuffer: 4 << 20 };
  const version = (await run(candidate.path, ["-hide_banner", "-version"], options)).stdout;
  const encoders = (await run(candidate.path, ["-hide_banner", "-encoders"], options)).stdout;
  const skipped: string[] = [];
  for (const encoder of encoderCandidates(parseEncoders(encoders), wanted)) {
    const problem = NEEDS_TRIAL.has(encoder.name) ? await trialEncode(candidate.path, encoder) : undefined;
    if (problem === undefined) return { ...candidate, version: versionName(version), frameRateOption: frameRateOption(version), encoder };
    log.info(`${encoder.name} is in this ffmpeg but does not work here; trying the next encoder`, { problem });
    skipped.push(`${encoder.name} (${problem})`);
  }
  const names = wanted === "auto" ? ENCODERS.map((e) => e.name).join(", ") : wanted;
  throw new Error(`it has none of the encoders ${names} working${skipped.length ? `: ${skipped.join("; ")}` : ""}`);
}

/**
 * The ffmpegs at hand, unprobed, the one findFfmpeg tries first (LECTRA_FFMPEG_PATH,
 * else ffmpeg on PATH) then npm's when it is another: builds differ in speed, so
 * the benchmark measures each.
 */
export async function ffmpegsAtHand(env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const first = envString("LECTRA_FFMPEG_PATH", "", env) || (await onPath(env))?.path;
  const npm = await fromInstaller();
  const found = [first, typeof npm === "string" ? undefined : npm.path].filter((file): file is string => Boolean(file));
  return [...new Set(await Promise.all(found.map((file) => fs.realpath(file))))];
}

/** Throws, saying what was tried and how to fix it, when no usable ffmpeg is found. */
export async function findFfmpeg(log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<Ffmpeg> {
  const configured = envString("LECTRA_FFMPEG_PATH", "", env);
  const wanted = envString("LECTRA_VIDEO_ENCODER", "auto", env);
  if (wanted !== "auto" && !ENCODERS.some((e) => e.name === wanted)) {
    throw new Error(`LECTRA_VIDEO_ENCODER=${wanted}: expected auto, ${ENCODERS.map((e) => e.name).join(" or ")}`);
  }
  const problems: string[] = [];
  const sources: Array<() => Promise<Candidate | string | undefined>> = configured
    ? [async () => ({ path: configured, source: "LECTRA_FFMPEG_PATH" })]
    : [() => onPath(env), fromInstaller];

  for (const next of sources) {
    const candidate = await next();
    if (candidate === undefined) continue;
    if (typeof candidate === "string") {
      problems.push(candidate);
      continue;
    }
    try {
      const ffmpeg = await probe(candidate, wanted, log);
      log.info("using ffmpeg", {
        path: ffmpeg.path,
        from: ffmpeg.source,
        version: ffmpeg.version,
        frameRateOption: ffmpeg.frameRateOption,
        encoder: ffmpeg.encoder.name,
      });
      return ffmpeg;
    } catch (error) {
      const problem = `${candidate.path} (${candidate.source}): ${(error as Error).message.split("\n")[0]}`;
      log.warn("ffmpeg not usable", { problem });
      problems.push(problem);
    }
  }
  if (!configured && problems.length === 0) problems.push("no ffmpeg on PATH");
  throw new Error(
    `no usable ffmpeg (${problems.join("; ")}). Install ffmpeg with libx264${wanted === "auto" ? "" : ` (or ${wanted})`} on PATH, or set LECTRA_FFMPEG_PATH to one`,
  );
}
