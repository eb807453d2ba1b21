// The old print profiler's per-stage report, computed from the job's stage spans:
// for each stage, how many spans, their total busy time, the wall time from the
// first start to the last end, when it started, and its longest single span.
import { Stage, type StageReport, type StageTiming } from "@lectra/proto";
import { spanName } from "./stage";

export interface StageSpan {
  name: string;
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
  Stage.STAGE_DECK,
  Stage.STAGE_CAPTIONS,
  Stage.STAGE_VIDEO,
];

export function stageReport(spans: StageSpan[], jobStartMs: number, jobEndMs: number): StageReport {
  const stages: StageTiming[] = [];
  for (const stage of ORDER) {
    const name = spanName(stage);
    const mine = spans.filter((s) => s.name === name);
    if (mine.length === 0) continue;
    const durations = mine.map((s) => s.endMs - s.startMs);
    const first = Math.min(...mine.map((s) => s.startMs));
    const last = Math.max(...mine.map((s) => s.endMs));
    stages.push({
      stage,
      spanName: name,
      count: mine.length,
      busySeconds: durations.reduce((a, b) => a + b, 0) / 1000,
      wallSeconds: (last - first) / 1000,
      startSeconds: (first - jobStartMs) / 1000,
      maxSeconds: Math.max(...durations) / 1000,
    });
  }
  return { wallSeconds: (jobEndMs - jobStartMs) / 1000, stages };
}
