// Finds the ffmpeg to run, once, at start-up: LECTRA_FFMPEG_PATH when set (and
// nothing else then: an explicit choice must work), else `ffmpeg` on PATH, else
// the static binary from @ffmpeg-installer/ffmpeg. Each is asked for its version,
// which decides how the frame-rate mode is spelled (-fps_mode from 5.1, -vsync
// before; the npm binary is 4.1), and for its encoders, which decide the engine.
import { execFile } from "node:child_process";
import * as fs from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { ensureExecutable, envString, type Logger } from "@lectra/service-kit";
import type { VideoEncoder } from "./engines/engine";
import { libx264 } from "./engines/libx264";

const run = promisify(execFile);

/** The encoders the service can drive, best first; the first one this ffmpeg has is used. */
export const ENCODERS: VideoEncoder[] = [libx264];

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

export function chooseEncoder(available: Set<string>): VideoEncoder | undefined {
  return ENCODERS.find((e) => available.has(e.name));
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

async function probe(candidate: Candidate): Promise<Ffmpeg> {
  const options = { timeout: 15_000, maxBuffer: 4 << 20 };
  const version = (await run(candidate.path, ["-hide_banner", "-version"], options)).stdout;
  const encoders = (await run(candidate.path, ["-hide_banner", "-encoders"], options)).stdout;
  const encoder = chooseEncoder(parseEncoders(encoders));
  if (!encoder) throw new Error(`it has none of the encoders ${ENCODERS.map((e) => e.name).join(", ")}`);
  return { ...candidate, version: versionName(version), frameRateOption: frameRateOption(version), encoder };
}

/** Throws, saying what was tried and how to fix it, when no usable ffmpeg is found. */
export async function findFfmpeg(log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<Ffmpeg> {
  const configured = envString("LECTRA_FFMPEG_PATH", "", env);
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
      const ffmpeg = await probe(candidate);
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
    `no usable ffmpeg (${problems.join("; ")}). Install ffmpeg with libx264 on PATH, or set LECTRA_FFMPEG_PATH to one`,
  );
}
