// Progress as a share of the stage runs the job's graph plans: known in full
// once the outline says how many slides there are.
import { plannedRuns, type JobOptions, type Graph } from "./graph";

export class Progress {
  private done = 0;
  private total: number;

  constructor(
    private readonly graph: Graph,
    private readonly options: JobOptions,
    slideCount: number,
  ) {
    this.total = plannedRuns(graph, options, slideCount);
  }

  /** The outline may plan a different number of slides than asked for. */
  setSlides(slides: number): void {
    this.total = plannedRuns(this.graph, this.options, slides);
  }

  step(): void {
    this.done = Math.min(this.total, this.done + 1);
  }

  get fraction(): number {
    return this.total === 0 ? 0 : this.done / this.total;
  }
}
