import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import type { Picture } from "@lectra/proto";
import { pictureCredit } from "./credit";

function picture(overrides: Partial<Picture> = {}): Picture {
  return { data: Buffer.alloc(0), mediaType: "", width: 0, height: 0, title: "", sourceUrl: "", author: "", license: "", engine: "", ...overrides };
}

describe("picture credit", () => {
  it("credits the picture's author, license and source", () => {
    assert.equal(
      pictureCredit(picture({ title: "Leaf", author: "A. Gardener", license: "CC BY-SA 4.0", sourceUrl: "https://example.org/leaf" })),
      "Picture: Leaf by A. Gardener, CC BY-SA 4.0, https://example.org/leaf",
    );
    assert.equal(pictureCredit(picture({ title: "Leaf", license: "CC0" })), "Picture: Leaf, CC0");
    assert.equal(pictureCredit(picture({ title: "Leaf" })), undefined);
  });
});
