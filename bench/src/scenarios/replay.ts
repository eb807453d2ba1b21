// One 10-slide lecture from a topic, every outside service answering with the
// replayed latencies (latencies.ts): wall time against the critical-path bound
// and against the staged schedule (each stage waits for every slide of the one
// before), both computed from the stage runs the job recorded (its report).
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
  stages: Array<{ stage: string; count: number; busySeconds: number; wallSeconds: number; criticalShare: number }>;
}

export async function replayLecture(replay: Replay, slides = 10): Promise<ReplayResult> {
  const world = await replayWorld(replay);
  try {
    // A small job first, so connections and code paths are warm for the measured one.
    await generate(world.lectra.client, { source: { $case: "topic", value: "A warm-up about the heart" }, slideCount: 2, skipVideo: true });
    const { job } = await generate(world.lectra.client, { source: { $case: "topic", value: "How vaccines train the immune system" }, slideCount: slides, noCache: true });
    if (job.state !== JobState.JOB_STATE_SUCCEEDED) throw new Error(`the replayed lecture failed: ${job.error?.message}`);
    const r = job.report!;
    return {
      slides,
      wallSeconds: r.wallSeconds,
      criticalPathSeconds: r.criticalPathSeconds,
      stagedSeconds: r.stagedSeconds,
      wallOverCriticalPath: r.wallSeconds / r.criticalPathSeconds,
      wallOverStaged: r.wallSeconds / r.stagedSeconds,
      stages: r.stages.map((s) => ({ stage: s.spanName, count: s.count, busySeconds: s.busySeconds, wallSeconds: s.wallSeconds, criticalShare: s.criticalShare })),
    };
  } finally {
    await world.stop();
  }
}
