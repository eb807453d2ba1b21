// The levels come from the .proto files through the descriptor set: what a
// contract declares is what callers see, and what it does not is UNKNOWN.
import { test } from "node:test";
import * as assert from "node:assert/strict";
import { idempotencyLevel } from "./idempotency";
import { LectraServiceService, LlmServiceService, SpeechServiceService } from "./index";

test("an RPC's idempotency_level is read from its contract, by the path the generated definition calls", () => {
  assert.equal(idempotencyLevel(SpeechServiceService.synthesize.path), "NO_SIDE_EFFECTS");
  assert.equal(idempotencyLevel(LlmServiceService.prepareModel.path), "IDEMPOTENT");
  // Generate starts a job: nothing declared, so nobody may send it twice.
  assert.equal(idempotencyLevel(LectraServiceService.generate.path), "UNKNOWN");
  assert.equal(idempotencyLevel("/lectra.v1.NoSuchService/Nothing"), "UNKNOWN");
});
