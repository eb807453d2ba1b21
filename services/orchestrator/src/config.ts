// The orchestrator's settings, from the environment only, with defaults that
// run on one machine.
import * as os from "node:os";
import { envInt, envString } from "@lectra/clients";

export interface OrchestratorConfig {
  dataDir: string;
  /** Jobs running at once, and jobs waiting for a slot beyond them. */
  maxRunning: number;
  maxQueued: number;
  /** Slides of one job in progress at once. */
  slidesAtOnce: number;
  /** Resume interrupted jobs at start-up. */
  resumeInterrupted: boolean;
  /** Finished jobs older than this many days are deleted; 0 keeps them. */
  retentionDays: number;
  /**
   * Stream the model's answers into the next stages (a slide starts when the
   * outline names it, its speech when its first sentences are written);
   * LECTRA_STREAMING=off waits for each whole answer, as before.
   */
  streaming: boolean;
}

export function orchestratorConfig(env: NodeJS.ProcessEnv = process.env): OrchestratorConfig {
  // Two jobs per core keeps every service busy (a job spends much of its time
  // waiting on models and voices) without letting a crowd slow every job down.
  const maxRunning = envInt("LECTRA_MAX_JOBS", 2 * Math.max(1, os.availableParallelism()), { min: 1, max: 1000, env });
  return {
    dataDir: envString("LECTRA_DATA_DIR", "data", env),
    maxRunning,
    maxQueued: envInt("LECTRA_MAX_QUEUED_JOBS", 4 * maxRunning, { min: 0, max: 10_000, env }),
    slidesAtOnce: envInt("LECTRA_JOB_SLIDES_AT_ONCE", 12, { min: 1, max: 1000, env }),
    resumeInterrupted: envString("LECTRA_RESUME_INTERRUPTED", "", env) === "1",
    retentionDays: envInt("LECTRA_JOB_RETENTION_DAYS", 0, { min: 0, max: 36_500, env }),
    streaming: onOff("LECTRA_STREAMING", true, env),
  };
}

function onOff(name: string, fallback: boolean, env: NodeJS.ProcessEnv): boolean {
  const value = envString(name, fallback ? "on" : "off", env).toLowerCase();
  if (value === "on") return true;
  if (value === "off") return false;
  throw new Error(`${name} must be "on" or "off", not "${value}"`);
}
