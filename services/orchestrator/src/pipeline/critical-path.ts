// How fast a job could have been, and how long a stage-by-stage schedule of
// the same work would have taken, from the stage runs the job recorded and the
// edges of its graph.
//
// The longest path through the graph, each node weighted by its recorded
// duration, is the lower bound on wall time with unlimited parallelism: no
// schedule of these stages can beat it.
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
  const reached = new Map<string, Reach>();
  const key = (name: string, slide?: number) => (slide === undefined ? name : `${name}#${slide}`);
  const reachOf = (name: string, slide?: number) => reached.get(key(name, slide)) ?? none;

  for (const step of steps) {
    const instances = step.scope === "slide" ? slides : [undefined];
    for (const slide of instances) {
      const before = [...step.needs, ...step.uses].flatMap((name) => {
        if (scopeOf.get(name) === "lecture") return [reachOf(name)];
        return slide === undefined ? slides.map((i) => reachOf(name, i)) : [reachOf(name, slide)];
      });
      const start = latest(before);
      const run = step.stage === undefined ? undefined : runs.find((r) => r.stage === step.stage && r.slideIndex === slide);
      reached.set(key(step.name, slide), run ? { at: start.at + run.seconds, path: [...start.path, run] } : start);
    }
  }
  const end = latest([...reached.values()]);
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
