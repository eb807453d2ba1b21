// How fast a job could have been, and how long a stage-by-stage schedule of
// the same work would have taken, from the stage runs the job recorded and the
// edges of its graph.
//
// The longest path through the graph, each node weighted by its recorded
// duration, is the lower bound on wall time with unlimited parallelism: no
// schedule of these stages can beat it. A step that follows another (graph.ts)
// can start when that one starts, not when it ends: it counts from there as
// long after as it had what it waited for (its ready time, else its start),
// that part is on the path as a share of the other's run, and only its time
// after being ready is its own.
//
// The staged schedule runs the stages in the graph's order, each waiting for
// every slide of the one before: a stage whose slides run side by side takes
// its slowest slide, one whose slides run one after another (inTurn) takes
// them all added up. docs/architecture.md says where this model comes from.
import type { Stage } from "@lectra/proto";
import { stagesOf, stepsFor, type JobOptions, type Graph } from "./graph";

/** One recorded stage run: its stage, its slide (undefined for whole-lecture stages) and how long it took. */
export interface TimedRun {
  stage: Stage;
  slideIndex: number | undefined;
  seconds: number;
  /** When it started, from the job's start; where unknown, a follower counts from the end of what it follows. */
  startSeconds?: number;
  /** When a follower had all it waited for, from the job's start (StageRun.readyMs). */
  readySeconds?: number;
}

export interface CriticalPath {
  seconds: number;
  /** The runs on the longest path, in order. */
  path: TimedRun[];
}

/** Finish time of a node on an infinitely parallel machine, and the path that led there. */
interface Reach {
  at: number;
  path: TimedRun[];
}

const none: Reach = { at: 0, path: [] };
const latest = (list: Reach[]) => list.reduce((a, b) => (b.at > a.at ? b : a), none);

/** The graph's longest path for a job with these options; steps without a recorded run take no time. */
export function criticalPath(graph: Graph, options: JobOptions, runs: TimedRun[]): CriticalPath {
  const slides = [...new Set(runs.flatMap((r) => (r.slideIndex === undefined ? [] : [r.slideIndex])))].sort((a, b) => a - b);
  const steps = stepsFor(graph, options);
  const scopeOf = new Map(steps.map((s) => [s.name, s.scope]));
  /** Where each node starts and ends, and its run. */
  const reached = new Map<string, { began: Reach; ended: Reach; run?: TimedRun }>();
  const key = (name: string, slide?: number) => (slide === undefined ? name : `${name}#${slide}`);
  const nodesOf = (names: readonly string[], slide: number | undefined) =>
    names.flatMap((name) => {
      const keys = scopeOf.get(name) === "lecture" ? [key(name)] : slide === undefined ? slides.map((i) => key(name, i)) : [key(name, slide)];
      return keys.flatMap((k) => (reached.has(k) ? [reached.get(k)!] : []));
    });
  /** A follower starts as far into what it follows as it really did. */
  const followed = (node: { began: Reach; ended: Reach; run?: TimedRun }, follower: TimedRun | undefined): Reach => {
    const { run } = node;
    if (!run) return node.began;
    if (run.startSeconds === undefined || follower?.startSeconds === undefined) return node.ended;
    // The other's own part begins where its path reaches (its ready time, if it follows something too).
    const lag = Math.min(Math.max((follower.readySeconds ?? follower.startSeconds) - (run.readySeconds ?? run.startSeconds), 0), run.seconds);
    return { at: node.began.at + lag, path: [...node.began.path, { ...run, seconds: lag }] };
  };

  for (const step of steps) {
    const instances = step.scope === "slide" ? slides : [undefined];
    for (const slide of instances) {
      const run = step.stage === undefined ? undefined : runs.find((r) => r.stage === step.stage && r.slideIndex === slide);
      const began = latest([
        ...nodesOf([...step.needs, ...step.uses], slide).map((n) => n.ended),
        ...nodesOf(step.follows, slide).map((n) => followed(n, run)),
      ]);
      // A follower's own part of its run: from when it was ready (it waited on what it follows before).
      const own = run && run.readySeconds !== undefined && run.startSeconds !== undefined ? { ...run, seconds: Math.max(0, run.seconds - (run.readySeconds - run.startSeconds)) } : run;
      const ended = own ? { at: began.at + own.seconds, path: [...began.path, own] } : began;
      reached.set(key(step.name, slide), { began, ended, run: own });
    }
  }
  const end = latest([...reached.values()].map((r) => r.ended));
  return { seconds: end.at, path: end.path };
}

/** The stage-by-stage schedule of the same runs. */
export function stagedSeconds(graph: Graph, runs: TimedRun[]): number {
  const inTurn = new Set(graph.steps.filter((s) => s.inTurn).map((s) => s.stage));
  return stagesOf(graph).reduce((sum, stage) => {
    const durations = runs.filter((r) => r.stage === stage).map((r) => r.seconds);
    return sum + (inTurn.has(stage) ? durations.reduce((a, b) => a + b, 0) : Math.max(0, ...durations));
  }, 0);
}
