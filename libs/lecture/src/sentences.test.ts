import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { paragraphs, sentences } from "./sentences";

describe("sentences", () => {
  it("splits at sentence ends, not at abbreviations or initials", () => {
    assert.deepEqual(sentences("Dr. Smith came, e.g. on Monday. He left! Did he? Yes."), ["Dr. Smith came, e.g. on Monday.", "He left!", "Did he?", "Yes."]);
    assert.deepEqual(sentences("J. S. Bach wrote it. 3 times."), ["J. S. Bach wrote it.", "3 times."]);
  });

  it("keeps closing quotes with their sentence and tolerates no final stop", () => {
    assert.deepEqual(sentences('She said "stop." Then it ended'), ['She said "stop."', "Then it ended"]);
  });

  it("paragraphs are separated by blank lines, whitespace tidied", () => {
    assert.deepEqual(paragraphs("One\nline.\n\n  Two.  \n\n\n"), ["One line.", "Two."]);
  });
});
