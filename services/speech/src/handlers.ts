// SpeechService handlers: check the request, speak every segment at once
// through the engine's workers, join the clips in order with their pauses.
import { clamp, PAUSE_RANGE } from "@lectra/lecture";
import type { ListVoicesRequest, Segment, SpeechServiceServer, SynthesizeRequest, SynthesizeResponse } from "@lectra/proto";
import { invalidArgument, unary, type Logger } from "@lectra/service-kit";
import { assembleNarration, type ClipPart } from "./clip";
import { OUTPUT_SAMPLE_RATE, type SpeechEngine, type SpokenClip, type Voice } from "./engines/engine";
import { findVoice, voicesForLanguage } from "./voices";

export const MAX_SEGMENTS = 400;
export const MAX_SEGMENT_CHARS = 5_000;
/**
 * Keeps the answer under the 256 MiB message limit: 50k characters at the
 * slowest rate (~12 characters a second) plus 400 pauses of 1.5 s is about 80
 * minutes of 24 kHz audio, some 230 MB.
 */
export const MAX_TOTAL_CHARS = 50_000;

export interface Speech {
  engine: SpeechEngine;
  /** The voice used when a request names none (LECTRA_VOICE). */
  defaultVoice: Voice;
}

const NO_SPEECH: SpokenClip = { pcm: Buffer.alloc(0), words: [] };

function voiceFor(name: string, speech: Speech): Voice {
  if (!name.trim()) return speech.defaultVoice;
  const voice = findVoice(speech.engine.voices, name);
  if (!voice) throw invalidArgument("voice", `unknown voice "${name}"; call SpeechService.ListVoices to see the available ones`);
  return voice;
}

function checkSegments(segments: Segment[]): void {
  if (segments.length === 0) throw invalidArgument("segments", "is empty; send at least one segment");
  if (segments.length > MAX_SEGMENTS) {
    throw invalidArgument("segments", `has ${segments.length} segments; the limit is ${MAX_SEGMENTS} per call`);
  }
  let total = 0;
  segments.forEach((s, i) => {
    if (s.text.length > MAX_SEGMENT_CHARS) {
      throw invalidArgument(`segments[${i}].text`, `is ${s.text.length} characters; the limit is ${MAX_SEGMENT_CHARS}`);
    }
    total += s.text.length;
  });
  if (total > MAX_TOTAL_CHARS) {
    throw invalidArgument("segments", `hold ${total} characters of text; the limit is ${MAX_TOTAL_CHARS} per call (split the narration)`);
  }
}

export function speechHandlers(speech: Speech, log: Logger): SpeechServiceServer {
  return {
    listVoices: unary(log, "ListVoices", async (req: ListVoicesRequest) => ({
      voices: voicesForLanguage(speech.engine.voices, req.language),
      defaultVoice: speech.defaultVoice.name,
    })),

    synthesize: unary(log, "Synthesize", async (req: SynthesizeRequest, ctx): Promise<SynthesizeResponse> => {
      const voice = voiceFor(req.voice, speech);
      checkSegments(req.segments);

      // One failed segment stops the others, as does the caller cancelling.
      const failed = new AbortController();
      const signal = AbortSignal.any([ctx.signal, failed.signal]);
      const clips = await Promise.all(
        req.segments.map((s) => {
          if (!s.text.trim()) return NO_SPEECH; // a pure pause
          const delivery = { text: s.text, ratePercent: s.ratePercent, pitchSemitones: s.pitchSemitones };
          return speech.engine.speak(voice, delivery, signal).catch((error: unknown) => {
            failed.abort(error);
            throw error;
          });
        }),
      );

      const parts: ClipPart[] = req.segments.map((s, i) => ({
        text: s.text,
        clip: clips[i],
        pauseAfterMs: clamp(s.pauseAfterMs, PAUSE_RANGE),
      }));
      const narration = assembleNarration(parts, OUTPUT_SAMPLE_RATE);
      return {
        audio: { pcm: narration.pcm, sampleRate: OUTPUT_SAMPLE_RATE },
        segments: narration.segments,
        durationSeconds: narration.durationSeconds,
        engine: voice.engine,
        voice: voice.name,
      };
    }),
  };
}
