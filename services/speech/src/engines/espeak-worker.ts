// Runs inside a piscina worker thread: espeak-ng's command line, compiled to
// WASM, run once per task. Synthesis is CPU work, so it stays off the service's
// event loop; each worker speaks one segment at a time.
//
// espeak-ng's WASM comes compiled from the service's main thread, and the
// worker speaks every segment with one instance of it (espeak-wasm.ts).
import { workerData } from "node:worker_threads";
import { move } from "piscina";
import { decodeWav, resample } from "@lectra/lecture";
import type { default as EspeakNgFactory, EspeakModule } from "espeak-ng";
import { trimSilence } from "../clip";
import { OUTPUT_SAMPLE_RATE } from "./engine";
import { loadEspeakWasm, ReusedInstance, type EspeakWasm } from "./espeak-wasm";

export interface SpeakTask {
  /** espeak's identifier for the voice (the File column of --voices), e.g. "gmw/en-US". */
  voice: string;
  text: string;
  wordsPerMinute: number;
  /** espeak's 0..99 pitch. */
  pitch: number;
}

interface Espeak {
  factory: typeof EspeakNgFactory;
  wasm: EspeakWasm;
}

async function loadEspeak(): Promise<Espeak> {
  // The package is ESM-only; TypeScript keeps this import() as a real dynamic import.
  const { default: factory } = await import("espeak-ng");
  // The pool's workers get the WASM from the main thread; a caller outside one (a test) loads it itself.
  return { factory, wasm: (workerData as EspeakWasm | undefined) ?? (await loadEspeakWasm()) };
}

// Started when the worker loads, so the import overlaps the wait for the first task.
const espeak = loadEspeak();
espeak.catch(() => undefined); // reported by the first task that awaits it

let reused: ReusedInstance | undefined;
let instantiated = 0;

/** WebAssembly instances this thread has made: one, unless runs overlapped. */
export function instancesMade(): number {
  return instantiated;
}

/**
 * Makes `fs.createPath` remember the paths it made, for one run. The runtime
 * unpacks espeak's data (445 files in 37 folders: every language's dictionary) into a
 * fresh file system on every run, calling createPath for each file's folder,
 * which made every folder on the way again: a lookup and a failing mkdir per
 * folder per file. Each folder is now made once: a short sentence took 33 ms
 * of CPU and now takes 24 ms (medians of 6 runs of 30, alternating).
 */
function rememberMadePaths(fs: EspeakModule["FS"]): void {
  const createPath = fs.createPath.bind(fs);
  const made = new Map<string, string>();
  fs.createPath = (parent, path, canRead, canWrite) => {
    if (typeof parent !== "string") return createPath(parent, path, canRead, canWrite);
    const key = `${parent}\0${path}`;
    let last = made.get(key);
    if (last === undefined) made.set(key, (last = createPath(parent, path, canRead, canWrite)));
    return last;
  };
}

/**
 * Runs `work` with stack traces off (Error.stackTraceLimit 0), for as long as
 * any run in this thread is inside it. The glue's file system answers a miss
 * by throwing an error (emscripten's ErrnoError: a mkdir that finds its folder
 * made, a lookup of a file espeak tries), and each of those formats a stack
 * trace twice and searches it for C++ names. Before rememberMadePaths that was a
 * thousand-odd errors a run and 40% of the speech service's CPU under the
 * bench's load; without the traces they cost next to nothing, and what a failed
 * run reports is its exit status and stderr, not a JavaScript stack.
 */
let runsWithoutStacks = 0;
let stackTraceLimit = Error.stackTraceLimit;
async function withoutStackTraces<T>(work: () => Promise<T>): Promise<T> {
  if (runsWithoutStacks++ === 0) {
    stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  }
  try {
    return await work();
  } finally {
    if (--runsWithoutStacks === 0) Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * One run of espeak-ng's main() with `args`; input files are written before it
 * starts, and `read` takes what it wrote before another run may use the instance.
 */
async function runEspeak<T>(args: string[], files: Record<string, string>, read: (module: EspeakModule, out: string[]) => T): Promise<T> {
  const { factory, wasm } = await espeak;
  const out: string[] = [];
  const err: string[] = [];
  let status = 0;
  let lease: ReusedInstance | undefined;
  try {
    const module = await withoutStackTraces(() => factory({
      arguments: args,
      print: (line) => out.push(line),
      printErr: (line) => err.push(line),
      // The default quit sets process.exitCode, which would leak into the worker's own exit.
      quit: (code, toThrow) => {
        status = code;
        throw toThrow;
      },
      preRun: [
        (m) => {
          rememberMadePaths(m.FS);
          Object.entries(files).forEach(([name, data]) => m.FS.writeFile(name, data));
        },
      ],
      instantiateWasm: (imports, receive) => {
        if (!reused) {
          reused = new ReusedInstance(wasm);
          instantiated++;
        }
        let instance: WebAssembly.Instance;
        if (reused.inUse) {
          instance = new WebAssembly.Instance(wasm.module, imports);
          instantiated++;
        } else {
          lease = reused;
          lease.inUse = true;
          instance = lease.reset(imports);
        }
        receive(instance, wasm.module);
        return instance.exports;
      },
    }));
    if (status !== 0) throw new Error(`espeak-ng exited with status ${status}: ${err.join(" ").trim() || "no message"}`);
    return read(module, out);
  } finally {
    if (lease) lease.inUse = false;
  }
}

/** The voice table, as `espeak-ng --voices` prints it. */
export async function listVoices(): Promise<string[]> {
  return runEspeak(["--voices"], {}, (_, out) => out);
}

/** Speaks one segment; returns mono s16le PCM at OUTPUT_SAMPLE_RATE with the padding trimmed. */
export async function speakSegment(task: SpeakTask): Promise<Uint8Array> {
  // The text goes in through a file, never argv, so text starting with "-" is not read
  // as an option; -b 1 says it is UTF-8. No -m: markup stays plain text.
  const args = ["-v", task.voice, "-s", String(task.wordsPerMinute), "-p", String(task.pitch), "-b", "1", "-w", "speech.wav", "-f", "input.txt"];
  const wav = decodeWav(await runEspeak(args, { "input.txt": task.text }, (module) => module.FS.readFile("speech.wav")));
  if (wav.channels !== 1 || wav.bitsPerSample !== 16) {
    throw new Error(`espeak-ng wrote ${wav.channels} channels of ${wav.bitsPerSample}-bit audio; expected mono 16-bit`);
  }
  const samples = trimSilence(new Int16Array(wav.pcm.buffer, wav.pcm.byteOffset, wav.pcm.length >> 1));
  return resample(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), wav.sampleRate, OUTPUT_SAMPLE_RATE);
}

/**
 * The pool's task: the segment's PCM moved to the main thread, not copied. A copy
 * left the worker holding every segment's PCM until it next collected.
 */
export async function speak(task: SpeakTask): Promise<ReturnType<typeof move>> {
  const pcm = await speakSegment(task);
  return move(pcm.byteLength === pcm.buffer.byteLength ? pcm : pcm.slice());
}
