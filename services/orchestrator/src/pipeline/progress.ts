// Progress as a share of stage runs: the outline, the per-slide stages (content,
// image, tags, speech; frame and clip when there is a video, frame only when it
// is encoded in one piece at a constant frame rate), then deck, captions, video.

/** How many stage runs each slide makes for a job with these options. */
export function stagesPerSlide(options: { skipVideo: boolean; constantFrameRate: boolean }): number {
  return options.skipVideo ? 4 : options.constantFrameRate ? 5 : 6;
}

export class Progress {
  private done = 0;
  private total: number;

  constructor(
    slideCount: number,
    private readonly perSlide: number,
    private readonly withVideo: boolean,
  ) {
    this.total = this.planned(slideCount);
  }

  private planned(slides: number): number {
    return 1 + slides * this.perSlide + 2 + (this.withVideo ? 1 : 0);
  }

  /** The outline may plan a different number of slides than asked for. */
  setSlides(slides: number): void {
    this.total = this.planned(slides);
  }

  step(): void {
    this.done = Math.min(this.total, this.done + 1);
  }

  get fraction(): number {
    return this.total === 0 ? 0 : this.done / this.total;
  }
}
