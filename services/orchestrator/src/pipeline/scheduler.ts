// Runs a stage graph for one job: every step starts the moment the results it
// needs exist (per slide, that slide's), stage steps run through runStage, and
// the first failure stops the job. It returns when every step has settled, so
// a stopped job has really stopped its downstream work when it says so.
// At most `slidesAtOnce` slides are in progress at once, in slide order, so one
// long lecture leaves room for other jobs' calls.
import { stepsFor, type Graph, type Step } from "./graph";
import type { LectureEnv } from "./env";
import { runStage } from "./stage";

export interface ScheduleOptions {
  slidesAtOnce?: number;
}

export async function runGraph(graph: Graph, env: LectureEnv, options: ScheduleOptions = {}): Promise<void> {
  const { job } = env;
  const window = new SlideWindow(options.slidesAtOnce ?? Number.POSITIVE_INFINITY, job.signal);
  const slideSlots = new Map<number, Promise<void>>();
  const slot = (slide: number) => {
    if (!slideSlots.has(slide)) slideSlots.set(slide, window.enter());
    return slideSlots.get(slide)!;
  };
  const steps = stepsFor(graph, env.request);
  const byName = new Map(steps.map((s) => [s.name, s]));
  const plan = graph.slidePlan;

  const inFlight: Promise<unknown>[] = [];
  // Every branch is watched from the start: the first failure stops the job at
  // once, instead of surfacing whenever some later await happens to reach it.
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.push(promise);
    promise.catch((error) => job.fail(error));
    return promise;
  };

  const instances = new Map<string, Promise<unknown>>();
  const instance = (step: Step, slide?: number): Promise<unknown> => {
    const key = slide === undefined ? step.name : `${step.name}#${slide}`;
    let running = instances.get(key);
    if (!running) {
      const inputs = (slide === undefined ? Promise.resolve() : slot(slide)).then(() =>
        Promise.all([...step.needs, ...step.uses].map(async (name) => [name, await resultOf(name, step, slide)] as const)),
      );
      running = track(inputs.then((entries) => runStep(step, Object.fromEntries(entries), env, slide)));
      instances.set(key, running);
    }
    return running;
  };

  const slideCount = (): Promise<number> => {
    if (!plan || !byName.has(plan.step)) return Promise.resolve(0);
    return instance(byName.get(plan.step)!).then(plan.count);
  };

  /** A result as `step` sees it: one slide's, every slide's (per-lecture steps), or undefined for a step left out. */
  const resultOf = (name: string, step: Step, slide: number | undefined): Promise<unknown> => {
    const dependency = byName.get(name);
    if (!dependency) return Promise.resolve(undefined);
    if (dependency.scope === "lecture") return instance(dependency);
    if (step.scope === "slide") return instance(dependency, slide);
    return slideCount().then((n) => Promise.all(Array.from({ length: n }, (_, i) => instance(dependency, i))));
  };

  try {
    for (const step of steps) if (step.scope === "lecture") instance(step);
    await track(
      slideCount().then((n) => {
        const perSlide = steps.filter((s) => s.scope === "slide");
        for (const step of perSlide) for (let i = 0; i < n; i++) instance(step, i);
        // A slide leaves the window when all of its steps have settled.
        for (let i = 0; i < n; i++) void Promise.allSettled(perSlide.map((s) => instance(s, i))).then(() => window.leave());
      }),
    );
    // Wait for everything, including what was started while waiting.
    for (let waited = 0; waited < inFlight.length; ) {
      const batch = inFlight.slice(waited);
      waited = inFlight.length;
      await Promise.all(batch);
    }
  } finally {
    await Promise.allSettled(inFlight);
  }
}

function runStep(step: Step, input: Record<string, unknown>, env: LectureEnv, slide: number | undefined): Promise<unknown> {
  const { job } = env;
  if (step.stage === undefined) {
    job.signal.throwIfAborted();
    return step.run(input, { ...env, slide, call: { signal: job.signal } });
  }
  return runStage(job, step.stage, slide, ({ call }) => step.run(input, { ...env, slide, call }), step.describe);
}

/** Slides in progress, at most `size`; the rest wait in slide order. A stopped job stops the waiting too. */
class SlideWindow {
  private inside = 0;
  private readonly waiting: Array<{ enter(): void; stop(reason: unknown): void }> = [];

  constructor(
    private readonly size: number,
    signal: AbortSignal,
  ) {
    signal.addEventListener("abort", () => this.waiting.splice(0).forEach((w) => w.stop(signal.reason)), { once: true });
  }

  enter(): Promise<void> {
    if (this.inside < this.size) {
      this.inside++;
      return Promise.resolve();
    }
    return new Promise((enter, stop) => this.waiting.push({ enter, stop }));
  }

  leave(): void {
    const next = this.waiting.shift();
    if (next) next.enter();
    else this.inside--;
  }
}
