// Runs a stage graph for one job: every step starts the moment the results it
// needs exist (per slide, that slide's), stage steps run through runStage, and
// the first failure stops the job. It returns when every step has settled, so
// a stopped job has really stopped its downstream work when it says so.
// Slides start as the step that plans them counts them, so a streamed outline
// starts slide 1 while the model is still naming the last.
// At most `slidesAtOnce` slides are in progress at once, in slide order, so one
// long lecture leaves room for other jobs' calls.
import { stepsFor, type Graph, type Step } from "./graph";
import type { LectureEnv } from "./env";
import { GrowingResult } from "./growing";
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
  const plan = graph.slidePlan && byName.has(graph.slidePlan.step) ? graph.slidePlan : undefined;
  const perSlide = steps.filter((s) => s.scope === "slide");

  const inFlight: Promise<unknown>[] = [];
  // Every branch is watched from the start: the first failure stops the job at
  // once, instead of surfacing whenever some later await happens to reach it.
  const track = <T>(promise: Promise<T>): Promise<T> => {
    inFlight.push(promise);
    promise.catch((error) => job.fail(error));
    return promise;
  };

  type Instance = { result: Promise<unknown>; growing: GrowingResult<unknown> };
  const instances = new Map<string, Instance>();
  const instance = (step: Step, slide?: number): Instance => {
    const key = slide === undefined ? step.name : `${step.name}#${slide}`;
    let running = instances.get(key);
    if (!running) {
      const growing = new GrowingResult<unknown>();
      const inputs: Promise<Array<readonly [string, unknown]>> = (slide === undefined ? Promise.resolve() : slot(slide)).then(() =>
        Promise.all([
          ...[...step.needs, ...step.uses].map(async (name) => [name, await resultOf(name, step, slide)] as const),
          ...step.follows.map((name) => [name, growingOf(name, slide)] as const),
        ]),
      );
      const result = track(inputs.then((entries) => runStep(step, Object.fromEntries(entries), env, slide, (value) => growing.publish(value))));
      result.then(
        (value) => growing.finish(value),
        (error) => growing.fail(error),
      );
      running = { result, growing };
      instances.set(key, running);
      if (plan && step.name === plan.step) planSlides(running);
    }
    return running;
  };

  // Slides start as the plan step counts them: from its partial results when it
  // streams (a slide per outline title), else from its whole result.
  let started = 0;
  const startSlide = (i: number) => {
    for (const step of perSlide) instance(step, i);
    // A slide leaves the window when all of its steps have settled.
    void Promise.allSettled(perSlide.map((s) => instance(s, i).result)).then(() => window.leave());
  };
  const startSlidesUpTo = (count: number) => {
    for (; started < count; started++) startSlide(started);
  };
  let slideCount: Promise<number> = Promise.resolve(0);
  const planSlides = ({ result, growing }: Instance) => {
    const { count } = plan!;
    slideCount = result.then((whole) => {
      const n = count(whole);
      if (n < started) throw new Error(`the ${plan!.step} counted ${started} slides while it grew, then ${n} when whole`);
      return n;
    });
    // Each partial result of the plan step counts the slides known so far (its
    // failure is the job's, reported through `result`).
    void (async () => {
      for await (const partial of growing) startSlidesUpTo(count(partial));
    })().catch(() => {});
  };

  /** A result as `step` sees it: one slide's, every slide's (per-lecture steps), or undefined for a step left out. */
  const resultOf = (name: string, step: Step, slide: number | undefined): Promise<unknown> => {
    const dependency = byName.get(name);
    if (!dependency) return Promise.resolve(undefined);
    if (dependency.scope === "lecture") return instance(dependency).result;
    if (step.scope === "slide") return instance(dependency, slide).result;
    return slideCount.then((n) => Promise.all(Array.from({ length: n }, (_, i) => instance(dependency, i).result)));
  };
  const growingOf = (name: string, slide: number | undefined): GrowingResult<unknown> => {
    const dependency = byName.get(name)!;
    return instance(dependency, dependency.scope === "slide" ? slide : undefined).growing;
  };

  try {
    for (const step of steps) if (step.scope === "lecture") instance(step);
    await track(slideCount.then(startSlidesUpTo));
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

function runStep(step: Step, input: Record<string, unknown>, env: LectureEnv, slide: number | undefined, partial: (value: unknown) => void): Promise<unknown> {
  const { job } = env;
  if (step.stage === undefined) {
    job.signal.throwIfAborted();
    return step.run(input, { ...env, slide, partial, ready: () => {}, call: { signal: job.signal } });
  }
  return runStage(job, step.stage, slide, ({ call, ready }) => step.run(input, { ...env, slide, partial, ready, call }), step.describe);
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
