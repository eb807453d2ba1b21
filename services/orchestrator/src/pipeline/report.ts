// The job's stage report, computed from the stage runs it recorded: for each
// stage, how many runs, their total busy time, the wall time from the first
// start to the last end, when it started, its longest single run, and how much
// of the critical path it makes up (what to speed up next). Stages come in the
// graph's order.
import type { StageReport, StageTiming } from "@lectra/proto";
import { criticalPath, stagedSeconds, type TimedRun } from "./critical-path";
import { stagesOf, type JobOptions, type Graph } from "./graph";
import { spanName, type StageRun } from "./stage";

export function stageReport(graph: Graph, options: JobOptions, runs: StageRun[], jobStartMs: number, jobEndMs: number): StageReport {
  const timed: TimedRun[] = runs.map((r) => ({
    stage: r.stage,
    slideIndex: r.slideIndex,
    seconds: (r.endMs - r.startMs) / 1000,
    startSeconds: (r.startMs - jobStartMs) / 1000,
    ...(r.readyMs === undefined ? {} : { readySeconds: (r.readyMs - jobStartMs) / 1000 }),
  }));
  const critical = criticalPath(graph, options, timed);
  const stages: StageTiming[] = [];
  for (const stage of stagesOf(graph)) {
    const mine = runs.filter((r) => r.stage === stage);
    if (mine.length === 0) continue;
    const durations = mine.map((r) => r.endMs - r.startMs);
    const first = Math.min(...mine.map((r) => r.startMs));
    const last = Math.max(...mine.map((r) => r.endMs));
    const criticalSeconds = critical.path.filter((r) => r.stage === stage).reduce((sum, r) => sum + r.seconds, 0);
    stages.push({
      stage,
      spanName: spanName(stage),
      count: mine.length,
      busySeconds: durations.reduce((a, b) => a + b, 0) / 1000,
      wallSeconds: (last - first) / 1000,
      startSeconds: (first - jobStartMs) / 1000,
      maxSeconds: Math.max(...durations) / 1000,
      criticalSeconds,
      criticalShare: critical.seconds > 0 ? criticalSeconds / critical.seconds : 0,
    });
  }
  return {
    wallSeconds: (jobEndMs - jobStartMs) / 1000,
    stages,
    criticalPathSeconds: critical.seconds,
    stagedSeconds: stagedSeconds(graph, timed),
  };
}
