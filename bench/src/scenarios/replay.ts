// One 10-slide lecture from a topic, every outside service answering with the
// replayed latencies (latencies.ts): wall time against the critical-path bound
// and against the staged schedule (each stage waits for every slide of the one
// before), both computed from the stage runs the job recorded (its report);
// and how soon slide 1 could be watched (its playlist's first `playable` event).
import { JobState } from "@lectra/proto";
import { generate } from "../jobs";
import type { Replay } from "../latencies";
import { replayWorld } from "../world";

export interface ReplayResult {
  slides: number;
  wallSeconds: number;
  criticalPathSeconds: number;
  stagedSeconds: number;
  wallOverCriticalPath: number;
  wallOverStaged: number;
  /** From the Generate call to slide 1 being playable (the first `playable` event). */
  firstPlayableSeconds: number;
  stages: Array<{ stage: string; count: number; busySeconds: number; wallSeconds: number; criticalShare: number }>;
}

export async function replayLecture(replay: Replay, slides = 10): Promise<ReplayResult> {
  const world = await replayWorld(replay);
  try {
    // A small job first, so connections and code paths are warm for the measured one.
    await generate(world.lectra.client, { source: { $case: "topic", value: "A warm-up about the heart" }, slideCount: 2, skipVideo: true });
    const { job, firstPlayableSeconds } = await generate(world.lectra.client, { source: { $case: "topic", value: "How vaccines train the immune system" }, slideCount: slides, noCache: true });
    if (job.state !== JobState.JOB_STATE_SUCCEEDED) throw new Error(`the replayed lecture failed: ${job.error?.message}`);
    if (firstPlayableSeconds === undefined) throw new Error("the replayed lecture never said slide 1 was playable");
    const r = job.report!;
    return {
      slides,
      wallSeconds: r.wallSeconds,
      criticalPathSeconds: r.criticalPathSeconds,
      stagedSeconds: r.stagedSeconds,
      wallOverCriticalPath: r.wallSeconds / r.criticalPathSeconds,
      wallOverStaged: r.wallSeconds / r.stagedSeconds,
      firstPlayableSeconds,
      stages: r.stages.map((s) => ({ stage: s.spanName, count: s.count, busySeconds: s.busySeconds, wallSeconds: s.wallSeconds, criticalShare: s.criticalShare })),
    };
  } finally {
    await world.stop();
  }
}
