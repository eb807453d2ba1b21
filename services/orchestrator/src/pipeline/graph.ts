// A job's work as a graph of steps. The lecture's graph is declared once
// (lecture.ts); everything that needs its shape reads it from there: the
// scheduler runs it, progress counts its stage runs, the critical path and the
// staged estimate walk its edges, and the report lists its stages in its order.
//
// A step runs once per lecture or once per slide, after the steps it needs.
// A step may also follow another one: it starts with it, and takes its result
// as it grows (a streamed outline's titles, a slide's sentences), each partial
// result the other publishes, then the whole. Declaring steps in order is what makes the graph acyclic: a step can only
// name steps declared before it, and the types check the names and the shapes
// of their results.
import type { Stage } from "@lectra/proto";
import type { CallOptions } from "@lectra/clients";
import type { LectureEnv } from "./env";

export type Scope = "lecture" | "slide";

/** Which variant of the pipeline a job runs: steps may be left out for it. */
export interface JobOptions {
  skipVideo: boolean;
  constantFrameRate: boolean;
}

/** What a step's call gets besides its inputs. */
export interface StepContext extends LectureEnv {
  /** The slide a per-slide step works on; undefined for per-lecture steps. */
  slide: number | undefined;
  /** Cancellation and cache options for the service calls it makes. */
  call: CallOptions;
  /**
   * Publishes the result as far as it is known, for the steps that follow this
   * one: a value of the step's own result type, holding at least what the one
   * before held. (Typed loosely: a parameter typed by the result would stop
   * TypeScript inferring the result from what run returns.)
   */
  partial(value: unknown): void;
  /**
   * A step that follows another says when it has all it waits for: the
   * critical path counts its time from there as its own (critical-path.ts).
   */
  ready(): void;
}

/**
 * A followed step's result as it grows: iterating gives the latest partial
 * result each time there is a newer one (a slow reader skips some; each holds
 * what the ones before held), and last the whole result. A failure of the
 * followed step is thrown to the reader.
 */
export interface Growing<T> extends AsyncIterable<T> {
  readonly whole: Promise<T>;
}

/** One declared step, as the scheduler and the analyses see it. */
export interface Step {
  name: string;
  scope: Scope;
  /** The stage it reports as (span, events, progress, report); a step without one is bookkeeping. */
  stage?: Stage;
  /** Steps whose results it waits for; if one of them is left out, so is this step. */
  needs: readonly string[];
  /** Steps whose results it takes when they run; undefined when they are left out. */
  uses: readonly string[];
  /** Steps it starts with, taking their results as they grow (Growing); if one is left out, so is this step. */
  follows: readonly string[];
  /** Left out of jobs for which this says false. */
  when?: (options: JobOptions) => boolean;
  /**
   * In the staged schedule (critical-path.ts), whether this stage's slides run
   * one after another rather than side by side.
   */
  inTurn: boolean;
  run(input: Record<string, unknown>, context: StepContext): Promise<unknown>;
  /** A few words on the result, for the stage's events and span. */
  describe?(result: unknown): string;
}

/**
 * Where the number of slides comes from: a per-lecture step's result. A slide
 * starts as soon as a partial result of that step counts it.
 */
export interface SlidePlan {
  step: string;
  count(result: unknown): number;
}

/** A graph as the scheduler and the analyses read it: its steps in order, and where the slides come from. */
export interface Graph {
  readonly steps: readonly Step[];
  readonly slidePlan?: SlidePlan;
}

type Names<L, S> = Extract<keyof L | keyof S, string>;
type SlideValue<L, S, K> = K extends keyof S ? S[K] : K extends keyof L ? L[K] : never;
type LectureValue<L, S, K> = K extends keyof S ? S[K][] : K extends keyof L ? L[K] : never;

/** A per-slide step's input: the same slide's results of per-slide steps, the lecture's of per-lecture ones. */
export type SlideInput<L, S, N extends string, U extends string, F extends string = never> = { [K in N]: SlideValue<L, S, K> } & {
  [K in U]: SlideValue<L, S, K> | undefined;
} & { [K in F]: Growing<SlideValue<L, S, K>> };
/** A per-lecture step's input: every slide's results of per-slide steps, in slide order. */
export type LectureInput<L, S, N extends string, U extends string> = { [K in N]: LectureValue<L, S, K> } & { [K in U]: LectureValue<L, S, K> | undefined };

interface Declaration<I, R> {
  stage?: Stage;
  needs?: readonly string[];
  uses?: readonly string[];
  follows?: readonly string[];
  when?: (options: JobOptions) => boolean;
  inTurn?: boolean;
  run(input: I, context: StepContext): Promise<R>;
  describe?(result: R): string;
}

/**
 * The graph, built step by step: `lecture(...)` and `slide(...)` each return a
 * new graph with one more step, whose result type the later steps see.
 */
export class StageGraph<L = {}, S = {}> implements Graph {
  constructor(
    readonly steps: readonly Step[] = [],
    readonly slidePlan?: SlidePlan,
  ) {}

  lecture<Name extends string, R, N extends Names<L, S> = never, U extends Names<L, S> = never>(
    name: Name,
    declaration: Declaration<LectureInput<L, S, N, U>, R> & { needs?: readonly N[]; uses?: readonly U[] },
  ): StageGraph<L & Record<Name, R>, S> {
    return new StageGraph(this.with(name, "lecture", declaration as Declaration<never, unknown>), this.slidePlan);
  }

  slide<Name extends string, R, N extends Names<L, S> = never, U extends Names<L, S> = never, F extends Names<L, S> = never>(
    name: Name,
    declaration: Declaration<SlideInput<L, S, N, U, F>, R> & { needs?: readonly N[]; uses?: readonly U[]; follows?: readonly F[] },
  ): StageGraph<L, S & Record<Name, R>> {
    if (!this.slidePlan) throw new Error(`step "${name}" runs per slide, but the graph does not say where the slides come from yet`);
    return new StageGraph(this.with(name, "slide", declaration as Declaration<never, unknown>), this.slidePlan);
  }

  /** Per-slide steps start once this per-lecture step says how many slides there are. */
  slidesFrom<Name extends Extract<keyof L, string>>(step: Name, count: (result: L[Name]) => number): StageGraph<L, S> {
    return new StageGraph(this.steps, { step, count: count as (result: unknown) => number });
  }

  private waitsForSlides(step: Step): boolean {
    return [...step.needs, ...step.uses, ...step.follows].some((name) => {
      const dep = this.steps.find((s) => s.name === name)!;
      return dep.scope === "slide" || this.waitsForSlides(dep);
    });
  }

  private with(name: string, scope: Scope, d: Declaration<never, unknown>): Step[] {
    if (this.steps.some((s) => s.name === name)) throw new Error(`step "${name}" is declared twice`);
    const needs = d.needs ?? [];
    const uses = d.uses ?? [];
    const follows = d.follows ?? [];
    if (scope === "lecture" && follows.length > 0) throw new Error(`step "${name}" runs per lecture: only per-slide steps follow others`);
    for (const dep of [...needs, ...uses, ...follows]) {
      const found = this.steps.find((s) => s.name === dep);
      if (!found) throw new Error(`step "${name}" needs "${dep}", which is not declared before it`);
      // A slide cannot wait for every slide: with slides taken a few at a time, it would wait forever.
      if (scope === "slide" && found.scope === "lecture" && this.waitsForSlides(found)) {
        throw new Error(`per-slide step "${name}" cannot need "${dep}", which waits for every slide`);
      }
    }
    const step: Step = {
      name,
      scope,
      stage: d.stage,
      needs,
      uses,
      follows,
      when: d.when,
      inTurn: d.inTurn ?? false,
      run: d.run as Step["run"],
      describe: d.describe as Step["describe"],
    };
    return [...this.steps, step];
  }
}

/** The steps a job with these options runs, in declaration order. */
export function stepsFor(graph: Graph, options: JobOptions): Step[] {
  const kept = new Set<string>();
  const steps: Step[] = [];
  for (const step of graph.steps) {
    if (step.when && !step.when(options)) continue;
    if (![...step.needs, ...step.follows].every((n) => kept.has(n))) continue;
    kept.add(step.name);
    steps.push(step);
  }
  return steps;
}

/** The distinct stages a graph reports, in declaration order. */
export function stagesOf(graph: Graph): Stage[] {
  return [...new Set(graph.steps.flatMap((s) => (s.stage === undefined ? [] : [s.stage])))];
}

/** How many stage runs a job with these options makes for this many slides: the progress total. */
export function plannedRuns(graph: Graph, options: JobOptions, slides: number): number {
  return stepsFor(graph, options)
    .filter((s) => s.stage !== undefined)
    .reduce((sum, s) => sum + (s.scope === "slide" ? slides : 1), 0);
}
