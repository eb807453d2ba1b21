// Eight lectures submitted at once on the offline engines, with the
// orchestrator's default admission control (LECTRA_MAX_JOBS from the cores):
// all must finish, those beyond the limit after waiting their turn; how many
// jobs a minute, and each service's peak memory.
import { JobState } from "@lectra/proto";
import { peakMemoryMiB } from "@lectra/testing";
import { benchScript, generate } from "../jobs";
import { offlineWorld } from "../world";

export interface LoadResult {
  jobs: number;
  succeeded: number;
  failed: string[];
  /** How many waited for a slot before they ran. */
  queued: number;
  wallSeconds: number;
  jobsPerMinute: number;
  peakMemoryMiB: Record<string, number>;
}

export async function load(jobs = 8): Promise<LoadResult> {
  const world = await offlineWorld();
  try {
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: jobs }, (_, i) => generate(world.lectra.client, { source: { $case: "script", value: benchScript(5, 3, `Lecture ${i + 1}`) } })),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    const failed = results.filter((r) => r.job.state !== JobState.JOB_STATE_SUCCEEDED).map((r) => `${r.job.id}: ${r.job.error?.message}`);
    const peak: Record<string, number> = {};
    for (const [name, s] of world.lectra.services) peak[name] = Math.round(peakMemoryMiB(s.child.pid!) ?? 0);
    const queued = results.filter((r) => r.queued).length;
    return { jobs, succeeded: jobs - failed.length, failed, queued, wallSeconds, jobsPerMinute: (jobs / wallSeconds) * 60, peakMemoryMiB: peak };
  } finally {
    await world.stop();
  }
}
