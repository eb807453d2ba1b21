// What the video relies on about AAC: the sample rates it carries, and the
// encoder's priming, which clips must make up for.
//
// ffmpeg's AAC encoder starts every stream it encodes with 1024 samples of
// priming (one AAC frame the decoder needs to warm up). An MP4 can say so in an
// edit list; ADTS, the form AAC takes in MPEG-TS, cannot, so a player plays the
// priming: L samples in come out as L + 1024 (measured with ffmpeg 4.1 and 7.0,
// L a multiple of 1024). Joined clips would each add those 43 ms (at 24 kHz)
// and the lecture would drift from its timeline. So a clip's sound is encoded
// without the last 1024 samples of its narration — the closing pause every
// slide ends with — and decodes to exactly the narration's length, its speech
// a constant 1024 samples late that no longer adds up from slide to slide.
import { AAC_FRAME_SAMPLES, BYTES_PER_SAMPLE, isWholeAacFrames } from "@lectra/lecture";

/** The sample rates AAC can carry; others are resampled to 48 kHz. */
export const AAC_RATES = new Set([8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000]);

/** The rate a narration is encoded at. */
export const aacRate = (sampleRate: number) => (AAC_RATES.has(sampleRate) ? sampleRate : 48000);

/** What ffmpeg's AAC encoder puts before the first sample of every stream. */
export const PRIMING_SAMPLES = AAC_FRAME_SAMPLES;

/** The dropped tail counts as silence below this peak: -40 dBFS, far under speech, above dither. */
export const SILENCE_PEAK = 328;

export interface ClipSound {
  /** The narration less its last PRIMING_SAMPLES samples: what the clip's AAC encodes. */
  pcm: Buffer;
  /** The loudest sample dropped, 0..32768; above SILENCE_PEAK the slide did not end in silence. */
  droppedPeak: number;
}

/** Mono 16-bit PCM, a whole number of AAC frames, at least two of them (checked by the request). */
export function clipSound(narration: Buffer): ClipSound {
  const keep = narration.length - PRIMING_SAMPLES * BYTES_PER_SAMPLE;
  if (keep <= 0 || !isWholeAacFrames(narration)) {
    throw new Error(`a clip's narration must be two or more whole AAC frames, got ${narration.length} bytes`);
  }
  let droppedPeak = 0;
  for (let at = keep; at < narration.length; at += BYTES_PER_SAMPLE) droppedPeak = Math.max(droppedPeak, Math.abs(narration.readInt16LE(at)));
  return { pcm: narration.subarray(0, keep), droppedPeak };
}

/**
 * The audio filter for a clip whose sound is encoded in the same ffmpeg as its
 * picture. ffmpeg stamps the priming frame one frame before the narration's
 * start, below zero, and an MPEG-TS muxer then moves every stream later by that
 * much: the picture would start 43 ms late (at 24 kHz). Starting the narration
 * PRIMING_SAMPLES later puts the priming frame at 0, as ADTS written on its own
 * has it, and the picture stays at 0. The offset is counted at the encoded rate
 * (after any resampling, which therefore comes first), so it is a whole number
 * of samples and nothing is rounded.
 */
export function primingFilter(sampleRate: number): string {
  const resample = AAC_RATES.has(sampleRate) ? [] : [`aresample=${aacRate(sampleRate)}`];
  return [...resample, `asetpts=PTS+${PRIMING_SAMPLES}/SR/TB`].join(",");
}
