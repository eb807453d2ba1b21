// What each RPC declares about sending it twice, read from the contracts
// themselves: `option idempotency_level = ...` in proto/lectra/v1/*.proto. The
// generated grpc-js definitions leave method options out, so this reads the
// descriptor set the build makes for server reflection, which keeps them.
import * as fs from "node:fs";
import * as path from "node:path";
import { createFileRegistry, fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorSetSchema, MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";

/**
 * NO_SIDE_EFFECTS: the call changes nothing (its answer may still differ, a
 * model's for one); IDEMPOTENT: sending it again changes nothing more;
 * UNKNOWN: nothing declared, so a caller must assume the call acts.
 */
export type IdempotencyLevel = "NO_SIDE_EFFECTS" | "IDEMPOTENT" | "UNKNOWN";

const LEVELS: Record<MethodOptions_IdempotencyLevel, IdempotencyLevel> = {
  [MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN]: "UNKNOWN",
  [MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS]: "NO_SIDE_EFFECTS",
  [MethodOptions_IdempotencyLevel.IDEMPOTENT]: "IDEMPOTENT",
};

let byPath: Map<string, IdempotencyLevel> | undefined;

/** Every lectra.v1 method's level, by its gRPC path ("/lectra.v1.SpeechService/Synthesize"). */
function levels(): Map<string, IdempotencyLevel> {
  if (byPath) return byPath;
  const file = path.resolve(__dirname, "..", "descriptor", "lectra.binpb");
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new Error(`${file} is missing: build libs/proto (npx nx run proto:build), which generates it from proto/ (${(error as Error).message})`);
  }
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
  byPath = new Map();
  for (const proto of registry.files) {
    for (const service of proto.services) {
      for (const method of service.methods) byPath.set(`/${service.typeName}/${method.name}`, LEVELS[method.idempotency]);
    }
  }
  return byPath;
}

/** The idempotency_level a method declares; UNKNOWN for one it does not (or a path that is not ours). */
export function idempotencyLevel(methodPath: string): IdempotencyLevel {
  return levels().get(methodPath) ?? "UNKNOWN";
}
