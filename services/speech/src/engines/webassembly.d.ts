// The few WebAssembly globals the espeak worker uses. Node has them at run time,
// but TypeScript only declares them in the DOM libs, which this project leaves out.
declare namespace WebAssembly {
  interface Module {
    readonly __wasmModule: unique symbol;
  }
  interface ModuleImportDescriptor {
    module: string;
    name: string;
    kind: "function" | "table" | "memory" | "global" | "tag";
  }
  const Module: {
    imports(module: Module): ModuleImportDescriptor[];
  };
  interface Memory {
    readonly buffer: ArrayBuffer;
  }
  type Exports = Record<string, unknown>;
  type Imports = Record<string, Record<string, unknown>>;
  interface Instance {
    readonly exports: Exports;
  }
  const Instance: new (module: Module, imports?: Imports) => Instance;
  function compile(bytes: Uint8Array): Promise<Module>;
}
