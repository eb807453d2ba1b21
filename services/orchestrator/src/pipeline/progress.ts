// Progress as a share of stage runs: the outline, five per slide (four when the
// video is skipped), then the deck, the captions and the video.

export class Progress {
  private done = 0;
  private total: number;

  constructor(
    slideCount: number,
    private readonly withVideo: boolean,
  ) {
    this.total = this.planned(slideCount);
  }

  private planned(slides: number): number {
    const perSlide = this.withVideo ? 5 : 4;
    return 1 + slides * perSlide + 2 + (this.withVideo ? 1 : 0);
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
