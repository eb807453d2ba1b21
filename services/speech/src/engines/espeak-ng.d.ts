// Types for the parts of the espeak-ng npm package (an emscripten build of the
// espeak-ng command line, ESM, no types of its own) that the worker uses.
declare module "espeak-ng" {
  interface EspeakFS {
    writeFile(path: string, data: string | Uint8Array): void;
    readFile(path: string): Uint8Array;
    /** Makes each directory of `path` under `parent` that is not there yet; returns the last one. */
    createPath(parent: string | object, path: string, canRead?: boolean, canWrite?: boolean): string;
  }

  export interface EspeakModule {
    FS: EspeakFS;
  }

  interface EspeakOptions {
    /** argv for one run of main(). */
    arguments: string[];
    print?: (line: string) => void;
    printErr?: (line: string) => void;
    /** Called with main()'s exit status; must throw `toThrow` to unwind. */
    quit?: (status: number, toThrow: unknown) => never;
    /** Runs before the runtime starts (before it unpacks espeak's data files) and main(): the place to write input files. */
    preRun?: Array<(module: EspeakModule) => void>;
    /** Instantiates the WASM ourselves (from a module compiled once); returns its exports. */
    instantiateWasm?: (
      imports: WebAssembly.Imports,
      receiveInstance: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => WebAssembly.Exports;
  }

  const ESpeakNg: (options: EspeakOptions) => Promise<EspeakModule>;
  export default ESpeakNg;
}
