// The old print profiler's per-stage report, computed from the job's stage spans:
// for each stage, how many spans, their total busy time, the wall time from the
// first start to the last end, when it started, its longest single span, and how
// much of the critical path it makes up (what to speed up next).
import { Stage, stageFromJSON, type StageReport, type StageTiming } from "@lectra/proto";
import { criticalPath, stagedSeconds, type StageRun } from "./critical-path";
import { spanName } from "./stage";

export interface StageSpan {
  name: string;
  slideIndex: number | undefined;
  startMs: number;
  endMs: number;
}

const ORDER = [
  Stage.STAGE_OUTLINE,
  Stage.STAGE_CONTENT,
  Stage.STAGE_IMAGE,
  Stage.STAGE_TAGS,
  Stage.STAGE_SPEECH,
  Stage.STAGE_FRAME,
  Stage.STAGE_CLIP,
  Stage.STAGE_DECK,
  Stage.STAGE_CAPTIONS,
  Stage.STAGE_VIDEO,
];

const stageOf = (name: string): Stage => stageFromJSON(`STAGE_${name.replace(/^stage\./, "").toUpperCase()}`);

export function stageReport(spans: StageSpan[], jobStartMs: number, jobEndMs: number): StageReport {
  const runs: StageRun[] = spans.map((s) => ({ stage: stageOf(s.name), slideIndex: s.slideIndex, seconds: (s.endMs - s.startMs) / 1000 }));
  const critical = criticalPath(runs);
  const stages: StageTiming[] = [];
  for (const stage of ORDER) {
    const name = spanName(stage);
    const mine = spans.filter((s) => s.name === name);
    if (mine.length === 0) continue;
    const durations = mine.map((s) => s.endMs - s.startMs);
    const first = Math.min(...mine.map((s) => s.startMs));
    const last = Math.max(...mine.map((s) => s.endMs));
    const criticalSeconds = critical.path.filter((r) => r.stage === stage).reduce((sum, r) => sum + r.seconds, 0);
    stages.push({
      stage,
      spanName: name,
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
    stagedSeconds: stagedSeconds(runs),
  };
}
