// espeak-ng's WASM, compiled once per process, and the one instance of it each
// espeak worker speaks every segment with (espeak-worker.ts).
//
// espeak's main() keeps global state and is meant to run once per process, so
// every run starts from a new instance's state. A run gets that state without a
// new instance: before each run, the worker's instance gets back the memory it
// started with (espeak's 18 MB of data, then zeros: all that differs between two
// new instances). A new instance per run had a new 32 MB memory, freed only when
// V8 next collected the worker's small heap: under the 8-lecture load each worker
// held 4-5 of them (166 MiB of WASM memory per worker; 32 MB mappings with 144
// MiB resident in the speech process at its peak). And a run now takes a copy of
// 18 MB instead of a new memory: 10 short segments took 0.8 s instead of 3.0 s.
//
// The compiled module and that starting memory are made once, in the service's
// main thread, and shared with the workers (a WebAssembly.Module and a
// SharedArrayBuffer pass to a worker without a copy): a worker that read and
// compiled the file itself held 18 MB of file and 18 MB of wire bytes of its own.
import { readFile } from "node:fs/promises";
import * as path from "node:path";

export interface EspeakWasm {
  module: WebAssembly.Module;
  /** A new instance's memory up to the end of its data (zeros after); shared by every worker. */
  pristine: Uint8Array;
}

type Imports = Record<string, Record<string, (...args: unknown[]) => unknown>>;

/** An import object for `module` whose functions call `target()`'s, whatever it is at the call. */
function forwardingImports(module: WebAssembly.Module, target: () => WebAssembly.Imports): Imports {
  const imports: Imports = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    if (kind !== "function") throw new Error(`espeak-ng imports a ${kind} (${from}.${name}); only functions can be forwarded`);
    (imports[from] ??= {})[name] = (...args) => (target()[from][name] as (...a: unknown[]) => unknown)(...args);
  }
  return imports;
}

const memoryOf = (instance: WebAssembly.Instance) => new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer);

/**
 * A new instance's memory: zeros, with the module's data segments copied in
 * where they say, read from the binary. Instantiating the module to copy its
 * memory would do, but leaves a 32 MB memory for V8 to collect some time.
 */
export function initialMemory(bytes: Uint8Array): Uint8Array {
  let at = 8; // "\0asm" and the version
  const u32 = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  const DATA_SECTION = 11;
  const I32_CONST = 0x41;
  const END = 0x0b;
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    if (id !== DATA_SECTION) {
      at += size;
      continue;
    }
    const segments: Array<{ offset: number; data: Uint8Array }> = [];
    for (let count = u32(); count > 0; count--) {
      // Flags 0: active, in memory 0, at an i32.const offset. Anything else (passive segments,
      // computed offsets) is a build this code does not know.
      const flags = u32();
      if (flags !== 0 || bytes[at++] !== I32_CONST) throw new Error("espeak-ng's WASM has a data segment other than at a constant offset");
      const offset = u32();
      if (bytes[at++] !== END) throw new Error("espeak-ng's WASM has a data segment offset that is not a constant");
      const length = u32();
      segments.push({ offset, data: bytes.subarray(at, at + length) });
      at += length;
    }
    const memory = new Uint8Array(new SharedArrayBuffer(Math.max(0, ...segments.map((s) => s.offset + s.data.length))));
    for (const { offset, data } of segments) memory.set(data, offset);
    return memory;
  }
  return new Uint8Array(new SharedArrayBuffer(0));
}

export async function loadEspeakWasm(): Promise<EspeakWasm> {
  const bytes = await readFile(path.join(path.dirname(require.resolve("espeak-ng")), "espeak-ng.wasm"));
  const wasm = { module: await WebAssembly.compile(bytes), pristine: initialMemory(bytes) };
  // Both copied what they need. Detached, the file's 18 MB are freed now, not whenever V8
  // next collects the whole heap (under load the speech service had not by its peak).
  if (bytes.byteLength === bytes.buffer.byteLength) (bytes.buffer as ArrayBuffer & { transfer(length: number): ArrayBuffer }).transfer(0);
  return wasm;
}

/**
 * A worker's one instance. Its imports are bound when it is instantiated, so they
 * forward to the imports of the run that has it now: each run's glue (emscripten's
 * JS side: its file system, its print callbacks) is its own.
 */
export class ReusedInstance {
  private readonly instance: WebAssembly.Instance;
  private readonly stackPointer: number;
  private imports: WebAssembly.Imports = {};
  /** Whether a run has it: one that starts meanwhile gets an instance of its own. */
  inUse = false;

  constructor(private readonly wasm: EspeakWasm) {
    this.instance = new WebAssembly.Instance(wasm.module, forwardingImports(wasm.module, () => this.imports));
    this.stackPointer = (this.instance.exports.stackSave as () => number)();
  }

  /** The instance as it was new, its imports now `imports`'. */
  reset(imports: WebAssembly.Imports): WebAssembly.Instance {
    const memory = memoryOf(this.instance);
    memory.set(this.wasm.pristine);
    memory.fill(0, this.wasm.pristine.length);
    // A run that exits unwinds no stack, so the stack pointer is set back too; the
    // glue sets the stack's bounds itself. That nothing else carries over, the same
    // segment spoken identically after other runs checks (espeak.test.ts).
    (this.instance.exports.stackRestore as (sp: number) => void)(this.stackPointer);
    this.imports = imports;
    return this.instance;
  }
}
