// SpeechService handlers: check the request, let the narrator speak every
// segment, join the clips in order with their pauses.
import { trace } from "@opentelemetry/api";
import { clamp, PAUSE_RANGE } from "@lectra/lecture";
import { SynthesizeRequest, SynthesizeResponse, type ListVoicesRequest, type ResolveVoiceRequest, type Segment, type SpeechServiceServer } from "@lectra/proto";
import { cached, invalidArgument, ResultCache, unary, type Logger } from "@lectra/service-kit";
import { assembleNarration, type ClipPart } from "./clip";
import { OUTPUT_SAMPLE_RATE, type Voice } from "./engines/engine";
import type { Narrator } from "./narrator";
import { voicesForLanguage } from "./voices";

export const MAX_SEGMENTS = 400;
export const MAX_SEGMENT_CHARS = 5_000;
/**
 * Keeps the answer under the 256 MiB message limit: 50k characters at the
 * slowest rate (~12 characters a second) plus 400 pauses of 1.5 s is about 80
 * minutes of 24 kHz audio, some 230 MB.
 */
export const MAX_TOTAL_CHARS = 50_000;

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

export function speechHandlers(narrator: Narrator, log: Logger, cache?: ResultCache): SpeechServiceServer {
  return {
    listVoices: unary(log, "ListVoices", async (req: ListVoicesRequest) => ({
      voices: voicesForLanguage(await narrator.voices(), req.language),
      defaultVoice: (await narrator.defaultVoice()).name,
    })),

    resolveVoice: unary(log, "ResolveVoice", async (req: ResolveVoiceRequest) => ({ voice: await narrator.resolve(req.name) })),

    synthesize: unary(log, "Synthesize", async (req: SynthesizeRequest, ctx): Promise<SynthesizeResponse> => {
      // The cheap checks first: resolving a voice may have to ask Edge for its list.
      checkSegments(req.segments);
      const voice = await narrator.resolve(req.voice);
      // Everything the audio depends on: who speaks, how, and what (segments with their prosody and pauses).
      const key = ResultCache.key("speech/1", voice.engine, voice.name, OUTPUT_SAMPLE_RATE, SynthesizeRequest.encode({ voice: "", segments: req.segments }).finish());
      // A fallback's audio (espeak standing in for Edge) is not kept: next time Edge may answer.
      return cached(cache, ctx, key, SynthesizeResponse, () => speak(voice, req, ctx.signal), (r) => r.warnings.length === 0);
    }),
  };

  async function speak(voice: Voice, req: SynthesizeRequest, signal: AbortSignal): Promise<SynthesizeResponse> {
    const deliveries = req.segments.map((s) => ({ text: s.text, ratePercent: s.ratePercent, pitchSemitones: s.pitchSemitones }));
    const spoken = await narrator.speak(voice, deliveries, signal);
    trace.getActiveSpan()?.setAttributes({ "lectra.speech.engine": spoken.voice.engine, "lectra.speech.voice": spoken.voice.name });

    const parts: ClipPart[] = req.segments.map((s, i) => ({
      text: s.text,
      clip: spoken.clips[i],
      pauseAfterMs: clamp(s.pauseAfterMs, PAUSE_RANGE),
    }));
    const narration = assembleNarration(parts, OUTPUT_SAMPLE_RATE);
    return {
      audio: { pcm: narration.pcm, sampleRate: OUTPUT_SAMPLE_RATE },
      segments: narration.segments,
      durationSeconds: narration.durationSeconds,
      engine: spoken.voice.engine,
      voice: spoken.voice.name,
      warnings: spoken.warnings,
    };
  }
}
