// The lectra.v1 contracts, generated from proto/ by buf + ts-proto (see buf.gen.yaml).
// Nothing under ./gen is edited by hand: change the .proto file and rebuild.
import * as path from "node:path";

export * from "./gen/lectra/v1/lecture";
export * from "./gen/lectra/v1/lectra";
export * from "./gen/lectra/v1/llm";
export * from "./gen/lectra/v1/images";
export * from "./gen/lectra/v1/slides";
export * from "./gen/lectra/v1/speech";
export * from "./gen/lectra/v1/video";
export * from "./idempotency";

/** Compiled descriptor sets (buf build) for server reflection: lectra.v1 and grpc.health.v1. */
export const descriptorSetPaths = ["lectra.binpb", "health.binpb"].map((f) => path.resolve(__dirname, "..", "descriptor", f));
