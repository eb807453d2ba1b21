// The public API's request size limit (LECTRA_MAX_REQUEST_BYTES, service-kit's
// public-api.ts) against the largest request the orchestrator accepts: the
// default must never refuse a script the validator would take.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { GenerateRequest } from "@lectra/proto";
import { MAX_SCRIPT_CHARS } from "@lectra/lecture";
import { DEFAULT_MAX_REQUEST_BYTES } from "@lectra/service-kit";

describe("the public API's request size limit", () => {
  it("admits a script of the most characters allowed, in the widest UTF-8 there is", () => {
    // A script is counted in UTF-16 code units: "€" is one unit and 3 bytes, an
    // astral character two units and 4 bytes; 3 bytes a unit is the most.
    for (const [what, script] of [
      ["3-byte characters", "€".repeat(MAX_SCRIPT_CHARS)],
      ["4-byte characters", "😀".repeat(MAX_SCRIPT_CHARS / 2)],
    ] as const) {
      assert.equal(script.length, MAX_SCRIPT_CHARS);
      const request = { source: { $case: "script" as const, value: script }, slideCount: 30, voice: "v".repeat(200), skipVideo: true, constantFrameRate: true, noCache: true };
      const bytes = GenerateRequest.encode(GenerateRequest.fromPartial(request)).finish().length;
      assert.ok(bytes < DEFAULT_MAX_REQUEST_BYTES * 0.75, `${what}: ${bytes} bytes against a limit of ${DEFAULT_MAX_REQUEST_BYTES}, with room for fields to come`);
    }
  });
});
