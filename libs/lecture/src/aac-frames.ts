// A slide's narration is a whole number of AAC frames. Each slide's clip is
// encoded on its own and the clips are joined by stream copy; AAC codes sound in
// frames, so a narration that ended part-way through one would come out padded
// to the frame anyway, and every slide would add that sliver to the lecture,
// which would drift from its timeline. Padding the narration with silence
// before any time is taken from it makes the clip exactly as long as the
// timeline says. At 24 kHz that adds under 43 ms, at the end of the slide's
// closing pause.
import { BYTES_PER_SAMPLE, pcmSeconds } from "./wav";

/** AAC codes audio in frames of 1024 samples. */
export const AAC_FRAME_SAMPLES = 1024;

/** Mono 16-bit PCM and its sample rate, as speech hands it over. */
export interface PcmAudio {
  pcm: Uint8Array;
  sampleRate: number;
}

/** The number of samples `samples` becomes when padded to whole AAC frames. */
export function aacFrameSamples(samples: number): number {
  return Math.ceil(samples / AAC_FRAME_SAMPLES) * AAC_FRAME_SAMPLES;
}

/** Whether mono 16-bit PCM is a whole number of AAC frames (none is not). */
export function isWholeAacFrames(pcm: Uint8Array): boolean {
  const samples = pcm.length / BYTES_PER_SAMPLE;
  return samples > 0 && Number.isInteger(samples) && samples % AAC_FRAME_SAMPLES === 0;
}

/** Mono 16-bit PCM with silence after it, to a whole number of AAC frames. */
export function padToFrames(pcm: Uint8Array): Buffer {
  const samples = pcm.length / BYTES_PER_SAMPLE;
  const padded = aacFrameSamples(samples);
  return padded === samples ? Buffer.from(pcm) : Buffer.concat([pcm, Buffer.alloc((padded - samples) * BYTES_PER_SAMPLE)]);
}

/**
 * A slide's audio padded to whole AAC frames, and its duration: every time
 * after it (timeline, captions, chapters, the clip) uses the padded length.
 */
export function alignToAacFrames<A extends PcmAudio>(audio: A): { audio: Omit<A, "pcm"> & { pcm: Buffer }; durationSeconds: number } {
  const pcm = padToFrames(audio.pcm);
  return { audio: { ...audio, pcm }, durationSeconds: pcmSeconds(pcm, audio.sampleRate) };
}
