// SpeechService handlers: check the request, let the narrator speak every
// segment, join the clips in order with their pauses.
import { trace } from "@opentelemetry/api";
import { clamp, normalizeLanguage, PAUSE_RANGE, SPEECH_LIMITS, speechExcess } from "@lectra/lecture";
import { SynthesizeRequest, SynthesizeResponse, type ListVoicesRequest, type ResolveVoiceRequest, type Segment, type SpeechServiceServer } from "@lectra/proto";
import { argument, cached, invalidArgument, ResultCache, unary, type Logger } from "@lectra/service-kit";
import { assembleNarration, type ClipPart } from "./clip";
import { OUTPUT_SAMPLE_RATE, type Voice } from "./engines/engine";
import type { Narrator } from "./narrator";
import { voicesForLanguage } from "./voices";

/** The limits are the lecture's (SPEECH_LIMITS), which the orchestrator checks a script against at submit. */
function checkSegments(segments: Segment[]): void {
  if (segments.length === 0) throw invalidArgument("segments", "is empty; send at least one segment");
  const excess = speechExcess(segments.map((s) => s.text));
  switch (excess?.kind) {
    case "segments":
      throw invalidArgument("segments", `has ${excess.count} segments; the limit is ${SPEECH_LIMITS.segments} per call`);
    case "segmentChars":
      throw invalidArgument(`segments[${excess.index}].text`, `is ${excess.chars} characters; the limit is ${SPEECH_LIMITS.segmentChars}`);
    case "chars":
      throw invalidArgument("segments", `hold ${excess.chars} characters of text; the limit is ${SPEECH_LIMITS.chars} per call (split the narration)`);
  }
}

export function speechHandlers(narrator: Narrator, log: Logger, cache?: ResultCache): SpeechServiceServer {
  return {
    listVoices: unary(log, "ListVoices", async (req: ListVoicesRequest) => ({
      voices: voicesForLanguage(await narrator.voices(), req.language),
      defaultVoice: (await narrator.defaultVoice()).name,
    })),

    // A named voice is that voice whatever the language: the orchestrator warns when it does not speak the lecture's.
    // No language at all is a caller from before languages: the default voice, LECTRA_VOICE's when it is set.
    resolveVoice: unary(log, "ResolveVoice", async (req: ResolveVoiceRequest) => {
      const language = req.language.trim() ? argument("language", () => normalizeLanguage(req.language)) : undefined;
      return { voice: await narrator.resolve(req.name, language) };
    }),

    synthesize: unary(log, "Synthesize", async (req: SynthesizeRequest, ctx): Promise<SynthesizeResponse> => {
      // The cheap checks first: resolving a voice may have to ask Edge for its list.
      checkSegments(req.segments);
      const voice = await narrator.resolve(req.voice);
      // Everything the audio depends on: who speaks, how, and what (segments with their prosody and pauses); not the priority, which only says when.
      const key = ResultCache.key("speech/1", voice.engine, voice.name, OUTPUT_SAMPLE_RATE, SynthesizeRequest.encode({ voice: "", segments: req.segments, priority: 0 }).finish());
      // A fallback's audio (espeak standing in for Edge) is not kept: next time Edge may answer.
      return cached(cache, ctx, key, SynthesizeResponse, () => speak(voice, req, ctx.signal), (r) => r.warnings.length === 0);
    }),
  };

  async function speak(voice: Voice, req: SynthesizeRequest, signal: AbortSignal): Promise<SynthesizeResponse> {
    const deliveries = req.segments.map((s) => ({ text: s.text, ratePercent: s.ratePercent, pitchSemitones: s.pitchSemitones }));
    const spoken = await narrator.speak(voice, deliveries, signal, req.priority);
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
