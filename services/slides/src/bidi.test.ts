import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { visualRuns } from "./bidi";

const order = (runs: ReturnType<typeof visualRuns>) => runs.map((r) => `${r.direction}:${r.text}`);

describe("bidi", () => {
  it("reads an Arabic line right to left, with a Latin term and a number in it left to right", () => {
    const runs = [
      { text: "النص ", family: "Noto Sans Arabic" },
      { text: "DNA 2024", family: "DejaVu Sans" },
      { text: " مهم", family: "Noto Sans Arabic" },
    ];
    assert.deepEqual(order(visualRuns(runs, "rtl")), ["rtl: مهم", "ltr:DNA 2024", "rtl:النص "]);
  });

  it("keeps a number in Arabic text left to right, and mirrors brackets in right-to-left runs", () => {
    const runs = [{ text: "عدد (25) كبير", family: "Noto Sans Arabic" }];
    // Runs left to right; each right-to-left run is shaped right to left, its brackets swapped,
    // so the line shows "كبير (25) عدد" read from the right as the text says.
    assert.deepEqual(order(visualRuns(runs, "rtl")), ["rtl:( كبير", "ltr:25", "rtl:عدد )"]);
  });

  it("leaves left-to-right text alone, and reverses a Hebrew quote inside it as a whole", () => {
    const runs = [
      { text: "He said ", family: "DejaVu Sans" },
      { text: "שלום עולם", family: "Noto Sans Hebrew" },
      { text: " today", family: "DejaVu Sans" },
    ];
    assert.deepEqual(order(visualRuns(runs, "ltr")), ["ltr:He said ", "rtl:שלום עולם", "ltr: today"]);
    assert.deepEqual(order(visualRuns([{ text: "Plain (text) 1 / 3", family: "DejaVu Sans" }], "ltr")), ["ltr:Plain (text) 1 / 3"]);
  });
});
