// Runs inside a piscina worker thread: espeak-ng's command line, compiled to
// WASM, once per task. Synthesis is CPU work, so it stays off the service's
// event loop; each worker speaks one segment at a time.
//
// The 18 MB WASM is read and compiled once per worker; every task only
// instantiates it. Measured on 2 cores (median of 40 runs): a 23-character
// sentence takes 83 ms instead of 100 ms, a 225-character one 89 ms instead of
// 128 ms, against letting each run read and compile the file itself. What is
// left is mostly instantiation (a fresh 32 MB memory with espeak's data in it):
// each task gets a fresh instance because espeak's main() keeps global state
// and is meant to run once per process.
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { decodeWav, resample } from "@lectra/lecture";
import type EspeakNgFactory from "espeak-ng";
import { trimSilence } from "../clip";
import { OUTPUT_SAMPLE_RATE } from "./engine";

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
  wasm: WebAssembly.Module;
}

async function loadEspeak(): Promise<Espeak> {
  // The package is ESM-only; TypeScript keeps this import() as a real dynamic import.
  const { default: factory } = await import("espeak-ng");
  const wasmPath = path.join(path.dirname(require.resolve("espeak-ng")), "espeak-ng.wasm");
  return { factory, wasm: await WebAssembly.compile(await readFile(wasmPath)) };
}

// Started when the worker loads, so the compile overlaps the wait for the first task.
const espeak = loadEspeak();
espeak.catch(() => undefined); // reported by the first task that awaits it

/** One run of espeak-ng's main() with `args`; input files are written before it starts. */
async function runEspeak(args: string[], files: Record<string, string> = {}) {
  const { factory, wasm } = await espeak;
  const out: string[] = [];
  const err: string[] = [];
  let status = 0;
  const module = await factory({
    arguments: args,
    print: (line) => out.push(line),
    printErr: (line) => err.push(line),
    // The default quit sets process.exitCode, which would leak into the worker's own exit.
    quit: (code, toThrow) => {
      status = code;
      throw toThrow;
    },
    preRun: [(m) => Object.entries(files).forEach(([name, data]) => m.FS.writeFile(name, data))],
    instantiateWasm: (imports, receive) => {
      const instance = new WebAssembly.Instance(wasm, imports);
      receive(instance, wasm);
      return instance.exports;
    },
  });
  if (status !== 0) throw new Error(`espeak-ng exited with status ${status}: ${err.join(" ").trim() || "no message"}`);
  return { module, out };
}

/** The voice table, as `espeak-ng --voices` prints it. */
export async function listVoices(): Promise<string[]> {
  return (await runEspeak(["--voices"])).out;
}

/** Speaks one segment; returns mono s16le PCM at OUTPUT_SAMPLE_RATE with the padding trimmed. */
export async function speak(task: SpeakTask): Promise<Uint8Array> {
  // The text goes in through a file, never argv, so text starting with "-" is not read
  // as an option; -b 1 says it is UTF-8. No -m: markup stays plain text.
  const args = ["-v", task.voice, "-s", String(task.wordsPerMinute), "-p", String(task.pitch), "-b", "1", "-w", "speech.wav", "-f", "input.txt"];
  const { module } = await runEspeak(args, { "input.txt": task.text });
  const wav = decodeWav(module.FS.readFile("speech.wav"));
  if (wav.channels !== 1 || wav.bitsPerSample !== 16) {
    throw new Error(`espeak-ng wrote ${wav.channels} channels of ${wav.bitsPerSample}-bit audio; expected mono 16-bit`);
  }
  const samples = trimSilence(new Int16Array(wav.pcm.buffer, wav.pcm.byteOffset, wav.pcm.length >> 1));
  return resample(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength), wav.sampleRate, OUTPUT_SAMPLE_RATE);
}
