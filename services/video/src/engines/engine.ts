// The video service's engine is its H.264 encoder: which ffmpeg encoder runs,
// with the settings that suit slides (still pictures that change a few times a
// minute). ffmpeg.ts picks one of them at start-up from what the ffmpeg build offers.

/** "variable": one frame per slide; "constant": every frame at a fixed rate. */
export type FrameRateMode = "variable" | "constant";

export interface VideoEncoder {
  /** ffmpeg's name for the encoder, reported in RenderVideoResponse.encoder. */
  readonly name: string;
  /** ffmpeg output options that select and tune the encoder. */
  outputOptions(mode: FrameRateMode): string[];
}
