// The speech service's engines. A SpeechEngine speaks one segment of narration
// with one voice and delivery, and returns the clip it measured. Every engine
// answers at the same sample rate, so clips from different engines (espeak-ng
// offline, Edge's neural voices over the network) can be joined into one narration.
import type { ClipWord } from "@lectra/lecture";

/** The one rate every clip leaves the service at, whichever engine spoke it. */
export const OUTPUT_SAMPLE_RATE = 24_000;

export interface Voice {
  /** The name a request passes as `voice`, e.g. "en-us". */
  name: string;
  /** BCP 47, e.g. "en-US". */
  language: string;
  description: string;
  /** The engine that speaks it, e.g. "espeak"; lets one service offer voices from several engines. */
  engine: string;
}

/** How one segment is to be said; values are already within the contract's ranges. */
export interface Delivery {
  text: string;
  ratePercent: number;
  pitchSemitones: number;
}

/** One spoken segment, without its pause. */
export interface SpokenClip {
  /** Mono signed 16-bit little-endian PCM at OUTPUT_SAMPLE_RATE. */
  pcm: Buffer;
  /** When each word is said, in seconds from the clip's start; empty when the engine cannot tell. */
  words: ClipWord[];
}

export interface SpeechEngine {
  readonly name: string;
  readonly voices: readonly Voice[];
  /** The voice this engine speaks with when nothing else is configured. */
  readonly defaultVoice: Voice;
  /**
   * `priority` orders the segments waiting for the engine when it is busy
   * (higher first, SynthesizeRequest.priority); engines that never wait may ignore it.
   */
  speak(voice: Voice, delivery: Delivery, signal: AbortSignal, priority?: number): Promise<SpokenClip>;
  /** Stops the engine's workers; call once, on shutdown. */
  close(): Promise<void>;
}
