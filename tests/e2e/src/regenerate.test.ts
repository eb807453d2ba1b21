// Generating again after editing one slide redoes only that slide's work: the
// other slides' pictures, speech and frames come from the services' result
// caches, and the trace says which.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { JobState } from "@lectra/proto";
import { run, startStack, type Stack } from "./stack";

const slide = (n: number, narration: string, bullet = `Point of slide ${n}`) =>
  `## Slide ${n}\n- ${bullet}\n- Another point\nImage: heart\n\n${narration}\n`;
const script = (slides: string[]) => `# Caching\n\n${slides.join("\n")}`;

const ORIGINAL = [
  slide(1, "The heart pumps blood. It never rests."),
  slide(2, "Blood carries oxygen to every cell. The lungs refill it."),
  slide(3, "A pacemaker keeps the rhythm. It sends electrical signals."),
];
const EDITED = [ORIGINAL[0], slide(2, "Blood carries oxygen and sugar to every cell. The lungs refill the oxygen.", "An edited point"), ORIGINAL[2]];

describe("re-generation after an edit", () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack?.stop());

  const hits = async (traceId: string) => {
    await stack.receiver.waitFor((spans) => spans.some((s) => s.traceId === traceId && s.name === "lectra.job"));
    const out: Record<string, boolean[]> = {};
    for (const s of stack.receiver.trace(traceId).filter((s) => /^stage\.(image|speech|frame|clip)$/.test(s.name))) {
      (out[s.name] ??= [])[s.attributes["lectra.slide.index"] as number] = s.attributes["lectra.cache.hit"] === true;
    }
    return out;
  };

  it("recomputes only the edited slide's stages", async () => {
    const first = await run(stack.client, { source: { $case: "script", value: script(ORIGINAL) } });
    assert.equal(first.job?.state, JobState.JOB_STATE_SUCCEEDED, first.job?.error?.message);
    const cold = await hits(first.job!.traceId);
    for (const stage of ["stage.image", "stage.speech", "stage.frame", "stage.clip"]) assert.deepEqual(cold[stage], [false, false, false], `${stage} cold`);

    const second = await run(stack.client, { source: { $case: "script", value: script(EDITED) } });
    assert.equal(second.job?.state, JobState.JOB_STATE_SUCCEEDED, second.job?.error?.message);
    const warm = await hits(second.job!.traceId);
    assert.deepEqual(warm["stage.speech"], [true, false, true], "only slide 2 is spoken again");
    assert.deepEqual(warm["stage.frame"], [true, false, true], "only slide 2 is drawn again");
    assert.deepEqual(warm["stage.clip"], [true, false, true], "only slide 2's clip is encoded again");
    assert.deepEqual(warm["stage.image"], [true, true, true], "the picture query did not change");
  });

  it("no_cache recomputes everything", async () => {
    const r = await run(stack.client, { source: { $case: "script", value: script(ORIGINAL) }, noCache: true });
    assert.equal(r.job?.noCache, true);
    const h = await hits(r.job!.traceId);
    for (const stage of ["stage.image", "stage.speech", "stage.frame", "stage.clip"]) assert.deepEqual(h[stage], [false, false, false], stage);
  });
});
