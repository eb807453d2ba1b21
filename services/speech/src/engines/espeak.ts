// The offline engine: espeak-ng, the WASM build from npm, so no system package
// is needed. It runs in a pool of worker threads (espeak-worker.ts) so synthesis
// never blocks the event loop that answers health checks and other calls.
import * as os from "node:os";
import * as path from "node:path";
import { clamp, PITCH_RANGE, RATE_RANGE } from "@lectra/lecture";
import Piscina from "piscina";
import type { Delivery, SpeechEngine, SpokenClip, Voice } from "./engine";
import type { SpeakTask } from "./espeak-worker";
import { loadEspeakWasm } from "./espeak-wasm";

export const ESPEAK = "espeak";
/** espeak's own default speed, in words per minute. */
export const BASE_WORDS_PER_MINUTE = 175;
/** The speeds espeak-ng accepts. */
export const WORDS_PER_MINUTE_RANGE = { min: 80, max: 450 } as const;
/** espeak's default pitch on its 0..99 scale. */
export const BASE_PITCH = 50;
/**
 * Pitch units per semitone. Measured on en-us (median F0 of the same sentence):
 * 40 → 92 Hz, 50 → 100 Hz, 60 → 110 Hz, 70 → 120 Hz, i.e. 1.4 to 1.7 semitones
 * per 10 units near the default, so about 6 units make a semitone.
 */
export const PITCH_UNITS_PER_SEMITONE = 6;
export const DEFAULT_ESPEAK_VOICE = "en-us";

/** Rate change in percent → espeak's -s: 175 × (1 + rate/100), rate clamped to the contract's range. */
export function wordsPerMinute(ratePercent: number): number {
  const rate = Number.isFinite(ratePercent) ? clamp(ratePercent, RATE_RANGE) : 0;
  // 175 × (100 + rate) / 100 rather than 175 × (1 + rate/100): the latter is 122.4999… for -30.
  return Math.round(clamp((BASE_WORDS_PER_MINUTE * (100 + rate)) / 100, WORDS_PER_MINUTE_RANGE));
}

/** Pitch change in semitones → espeak's -p (0..99, 50 = the voice's own pitch), clamped. */
export function espeakPitch(semitones: number): number {
  const st = Number.isFinite(semitones) ? clamp(semitones, PITCH_RANGE) : 0;
  return Math.round(clamp(BASE_PITCH + PITCH_UNITS_PER_SEMITONE * st, { min: 0, max: 99 }));
}

/**
 * Narration as plain words for espeak: it reads `[[...]]` as phoneme codes even
 * without markup mode (a space between the brackets stops that), and a NUL ends
 * its text early, so control characters become spaces.
 */
export function inertText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ").replace(/\[(?=\[)/g, "[ ");
}

/** espeak's lower-case language ids as BCP 47 casing: "en-gb-x-rp" → "en-GB-x-rp", "cmn-latn-pinyin" → "cmn-Latn-pinyin". */
export function bcp47(id: string): string {
  const subtags = id.split("-");
  let privateUse = false;
  return subtags
    .map((tag, i) => {
      const lower = tag.toLowerCase();
      if (i === 0 || privateUse) return lower;
      if (lower === "x") {
        privateUse = true;
        return lower;
      }
      if (/^[a-z]{2}$/.test(lower)) return lower.toUpperCase(); // region
      if (/^[a-z]{4}$/.test(lower)) return lower[0].toUpperCase() + lower.slice(1); // script
      return lower;
    })
    .join("-");
}

export interface EspeakVoice {
  voice: Voice;
  /** What espeak's -v gets: the voice file's identifier, which (unlike the language id) always resolves. */
  file: string;
}

/**
 * Reads the table `espeak-ng --voices` prints:
 *   Pty Language       Age/Gender VoiceName          File                 Other Languages
 *    2  en-us           --/M      English_(America)  gmw/en-US            (en 3)
 * A language id that two voices share keeps its first voice; the others are
 * named by their file (e.g. "yue-latn-jyutping") so every name is unique.
 */
export function parseVoiceTable(lines: string[]): EspeakVoice[] {
  const voices: EspeakVoice[] = [];
  const taken = new Set<string>();
  for (const line of lines) {
    const m = /^\s*\d+\s+(\S+)\s+\S+\s+(\S+)\s+(\S+)/.exec(line);
    if (!m) continue;
    const [, language, voiceName, file] = m;
    let name = language.toLowerCase();
    if (taken.has(name)) name = path.posix.basename(file).toLowerCase();
    if (taken.has(name)) continue;
    taken.add(name);
    voices.push({
      voice: { name, language: bcp47(language), description: voiceName.replace(/_/g, " ").trim(), engine: ESPEAK },
      file,
    });
  }
  return voices;
}

/**
 * Worker threads by default: half the cores. A segment takes ~80 ms now that a
 * worker keeps its instance (espeak-wasm.ts), so one worker speaks the 8-lecture
 * load's 120 segments in ~10 s of its 35-45 s, while the job's frames and video
 * want the same cores. Measured on 2 cores, alternating, two runs each: one
 * worker 12.4 and 14.4 jobs/min with speech peaking at 311-319 MiB, two workers
 * 10.3 and 13.5 jobs/min at 337-373 MiB (each holds a 32 MB memory and its heap).
 */
export function defaultEspeakWorkers(cores = os.availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

export interface EspeakOptions {
  /** Worker threads; each speaks one segment at a time. */
  workers: number;
}

class EspeakEngine implements SpeechEngine {
  readonly name = ESPEAK;
  readonly voices: readonly Voice[];
  readonly defaultVoice: Voice;
  private readonly files: Map<string, string>;

  constructor(
    private readonly pool: Piscina,
    table: EspeakVoice[],
  ) {
    this.voices = table.map((v) => v.voice);
    this.files = new Map(table.map((v) => [v.voice.name, v.file]));
    const fallback = table.find((v) => v.voice.name === DEFAULT_ESPEAK_VOICE) ?? table[0];
    if (!fallback) throw new Error("espeak-ng lists no voices");
    this.defaultVoice = fallback.voice;
  }

  async speak(voice: Voice, delivery: Delivery, signal: AbortSignal): Promise<SpokenClip> {
    const file = this.files.get(voice.name);
    if (!file) throw new Error(`espeak has no voice "${voice.name}"`);
    const task: SpeakTask = {
      voice: file,
      text: inertText(delivery.text),
      wordsPerMinute: wordsPerMinute(delivery.ratePercent),
      pitch: espeakPitch(delivery.pitchSemitones),
    };
    // The signal drops the task from the queue, or stops the worker running it.
    const pcm: Uint8Array = await this.pool.run(task, { name: "speak", signal });
    return { pcm: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), words: [] };
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/**
 * Each run builds emscripten's whole JS side anew (its file system, its glue),
 * garbage once the run is done, and V8 let a worker's young generation grow to
 * take it: worker heaps of 50-80 MB under the 8-lecture load. A 4 MB one is
 * collected more often, each time cheaply (what it holds is dead): 60 segments
 * on 2 workers peaked at 281-297 MiB with 2-8 MB against 336-338 MiB without a
 * limit, in the same time.
 */
const ESPEAK_WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 } as const;

/** Starts the workers and reads espeak's voice table once. */
export async function createEspeakEngine(options: EspeakOptions): Promise<SpeechEngine> {
  const pool = new Piscina({
    filename: path.join(__dirname, "espeak-worker.js"),
    workerData: await loadEspeakWasm(),
    minThreads: options.workers,
    maxThreads: options.workers,
    idleTimeout: Infinity,
    // Piscina's Atomics.wait between tasks would stall the import of espeak-ng a worker
    // starts when it loads; plain messages keep the worker's event loop running.
    atomics: "disabled",
    resourceLimits: ESPEAK_WORKER_LIMITS,
  });
  try {
    const lines: string[] = await pool.run(undefined, { name: "listVoices" });
    return new EspeakEngine(pool, parseVoiceTable(lines));
  } catch (error) {
    await pool.destroy();
    throw error;
  }
}
