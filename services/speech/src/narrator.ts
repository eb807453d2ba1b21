// Who speaks a narration: picks the voice (and with it the engine) a request
// asks for, speaks every segment with it, and when Edge cannot speak, has
// espeak-ng speak the whole narration instead and says so. One call is always
// spoken by one engine: a slide whose voice changed halfway would sound broken.
import { trace } from "@opentelemetry/api";
import { invalidArgument, unavailable, type Logger } from "@lectra/service-kit";
import type { Delivery, SpeechEngine, SpokenClip, Voice } from "./engines/engine";
import { EDGE_VOICE_NAME } from "./engines/edge-ssml";
import { EDGE, EdgeUnavailableError } from "./engines/edge";
import { speaksLanguage } from "@lectra/lecture";
import { espeakVoiceFor, findVoice, voiceFor } from "./voices";

/** LECTRA_TTS_ENGINE: Edge with espeak-ng as the fallback, Edge alone, or espeak-ng alone. */
export type EngineMode = "auto" | "edge" | "espeak";
export const ENGINE_MODES: readonly EngineMode[] = ["auto", "edge", "espeak"];

/** What the narrator needs of a network engine whose voice list may not have arrived. */
export interface NetworkEngine extends SpeechEngine {
  readonly voicesLoaded: boolean;
  /** Why the voice list is missing. */
  readonly voicesProblem: string;
  /** Fetches the voice list if it is missing and may be had; never rejects. */
  refreshVoices(): Promise<void>;
  /** A voice for an engine-looking name the list could not confirm yet. */
  provisionalVoice(name: string): Voice;
}

export interface NarratorSetup {
  mode: EngineMode;
  /** espeak-ng; absent in "edge" mode. */
  espeak?: SpeechEngine;
  /** Edge; absent in "espeak" mode. */
  edge?: NetworkEngine;
  /** LECTRA_VOICE, or "" to let the engines decide. */
  configuredVoice: string;
  log: Logger;
}

export interface SpokenNarration {
  /** One per delivery, in order; an empty clip for a delivery with no text. */
  clips: SpokenClip[];
  /** The voice that spoke, which is espeak's when it stood in for Edge. */
  voice: Voice;
  warnings: string[];
}

const NO_SPEECH: SpokenClip = { pcm: Buffer.alloc(0), words: [] };

/** Every segment at once (each engine bounds its own concurrency); the first failure stops the rest. */
async function speakAll(engine: SpeechEngine, voice: Voice, deliveries: readonly Delivery[], signal: AbortSignal, priority: number): Promise<SpokenClip[]> {
  const failed = new AbortController();
  const stop = AbortSignal.any([signal, failed.signal]);
  return Promise.all(
    deliveries.map((delivery) => {
      if (!delivery.text.trim()) return NO_SPEECH; // a pure pause
      return engine.speak(voice, delivery, stop, priority).catch((error: unknown) => {
        failed.abort(error);
        throw error;
      });
    }),
  );
}

export class Narrator {
  constructor(private readonly setup: NarratorSetup) {}

  private get espeak(): SpeechEngine | undefined {
    return this.setup.espeak;
  }

  private get edge(): NetworkEngine | undefined {
    return this.setup.edge;
  }

  /** Why LECTRA_VOICE cannot be used, or undefined when it can (checked once, at start-up, before Edge's list is in). */
  configuredVoiceProblem(): string | undefined {
    const name = this.setup.configuredVoice;
    if (!name) return undefined;
    if (this.espeak && findVoice(this.espeak.voices, name)) return undefined;
    if (this.edge && EDGE_VOICE_NAME.test(name)) return undefined;
    const engines = [this.espeak && "espeak", this.edge && "edge"].filter(Boolean).join(" or ");
    const examples = [this.espeak?.defaultVoice.name, this.edge?.defaultVoice.name].filter(Boolean).map((n) => `"${n}"`).join(" or ");
    return `LECTRA_VOICE="${name}" is not a voice of the ${engines} engine; set it to one that ListVoices lists, e.g. ${examples}`;
  }

  /** Every voice on offer; in "edge" mode, UNAVAILABLE when Edge's list cannot be had. */
  async voices(): Promise<Voice[]> {
    await this.edge?.refreshVoices();
    this.requireEdgeList();
    return [...(this.espeak?.voices ?? []), ...(this.edge?.voices ?? [])];
  }

  /** The voice for a request that names none. */
  async defaultVoice(): Promise<Voice> {
    await this.edge?.refreshVoices();
    const configured = this.setup.configuredVoice;
    if (configured) return this.listed(configured) ?? this.edge?.provisionalVoice(configured) ?? this.espeak!.defaultVoice;
    if (this.setup.mode === "espeak" || !this.edge) return this.espeak!.defaultVoice;
    if (this.setup.mode === "edge") return this.edge.defaultVoice;
    // auto: Edge's voice when Edge is there; offline, espeak-ng without a word about it.
    return (this.edge.voicesLoaded && this.listed(this.edge.defaultVoice.name)) || this.espeak!.defaultVoice;
  }

  /**
   * The voice for a lecture in `language` (BCP 47, canonical) that names none:
   * the default voice when it speaks the language; else Edge's for it when
   * Edge is on and its list is in (the likely region's: "hi" → hi-IN), else
   * espeak-ng's ("en" → en-us, "zh" → cmn); when no voice speaks it, the default
   * voice all the same (the caller says so: speech in the wrong language beats none).
   */
  async defaultVoiceFor(language: string): Promise<Voice> {
    const fallback = await this.defaultVoice(); // refreshes Edge's list when it is missing
    if (speaksLanguage(fallback.language, language)) return fallback;
    const edge = this.edge?.voicesLoaded && this.setup.mode !== "espeak" ? voiceFor(language, this.edge.voices) : undefined;
    const espeak = this.espeak && this.setup.mode !== "edge" ? voiceFor(language, this.espeak.voices) : undefined;
    return edge ?? espeak ?? fallback;
  }

  /** The voice a request names, or with no name the default for `language`; INVALID_ARGUMENT for a name no engine has. */
  async resolve(name: string, language?: string): Promise<Voice> {
    const wanted = name.trim();
    if (!wanted) return language ? this.defaultVoiceFor(language) : this.defaultVoice();
    const known = this.listed(wanted);
    if (known) return known;
    if (this.edge && EDGE_VOICE_NAME.test(wanted)) {
      await this.edge.refreshVoices();
      const listed = this.listed(wanted);
      if (listed) return listed;
      if (!this.edge.voicesLoaded) {
        this.requireEdgeList();
        // auto: accept it; if Edge cannot be reached, espeak-ng speaks its language.
        return this.edge.provisionalVoice(wanted);
      }
    }
    throw invalidArgument("voice", `unknown voice "${name}"; call SpeechService.ListVoices (or run \`lectra voices\`) to see the available ones`);
  }

  /**
   * Speaks every delivery with `voice`, or, when Edge fails in "auto" mode, all
   * of them with espeak-ng; `priority` as in SpeechEngine.speak.
   */
  async speak(voice: Voice, deliveries: readonly Delivery[], signal: AbortSignal, priority = 0): Promise<SpokenNarration> {
    if (voice.engine !== EDGE || !this.edge) {
      return { clips: await speakAll(this.espeak!, voice, deliveries, signal, priority), voice, warnings: [] };
    }
    try {
      return { clips: await speakAll(this.edge, voice, deliveries, signal, priority), voice, warnings: [] };
    } catch (error) {
      if (signal.aborted) throw error;
      const why = error instanceof EdgeUnavailableError ? error.message : `Edge TTS failed (${error instanceof Error ? error.message : String(error)})`;
      if (this.setup.mode === "edge" || !this.espeak) {
        throw unavailable(`${why}; LECTRA_TTS_ENGINE=edge has no fallback (set it to auto to let espeak-ng speak instead)`);
      }
      const fallback = espeakVoiceFor(voice.language, this.espeak.voices, this.espeak.defaultVoice);
      const warning = `${why}; espeak-ng spoke instead with voice ${fallback.name}`;
      trace.getActiveSpan()?.addEvent("speech.fallback", {
        "lectra.speech.engine": this.espeak.name,
        "lectra.speech.voice": fallback.name,
        "lectra.speech.wanted_voice": voice.name,
        "lectra.speech.reason": why,
      });
      this.setup.log.info("Edge TTS did not speak; espeak-ng speaks instead", { voice: fallback.name, reason: why });
      return { clips: await speakAll(this.espeak, fallback, deliveries, signal, priority), voice: fallback, warnings: [warning] };
    }
  }

  private listed(name: string): Voice | undefined {
    return (this.espeak && findVoice(this.espeak.voices, name)) || (this.edge && findVoice(this.edge.voices, name)) || undefined;
  }

  /** In "edge" mode nothing can be spoken without Edge's voice list. */
  private requireEdgeList(): void {
    if (this.setup.mode === "edge" && this.edge && !this.edge.voicesLoaded) {
      throw unavailable(`Edge TTS voices could not be fetched (${this.edge.voicesProblem}); check the network or LECTRA_EDGE_VOICES_URL, or set LECTRA_TTS_ENGINE=auto to fall back to espeak-ng`);
    }
  }
}
