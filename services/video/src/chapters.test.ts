import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeMetadata, ffmetadata } from "./chapters";

test("chapters become FFMETADATA1 blocks in milliseconds", () => {
  assert.equal(
    ffmetadata([
      { title: "Welcome", startSeconds: 0, endSeconds: 2.3456 },
      { title: "Next", startSeconds: 2.3456, endSeconds: 10 },
    ]),
    ";FFMETADATA1\n" +
      "[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=2346\ntitle=Welcome\n" +
      "[CHAPTER]\nTIMEBASE=1/1000\nSTART=2346\nEND=10000\ntitle=Next\n",
  );
});

test("syntax characters and newlines in a title are escaped, so a title can't add keys or chapters", () => {
  assert.equal(escapeMetadata("a=b;c#d\\e"), "a\\=b\\;c\\#d\\\\e");
  assert.equal(escapeMetadata("one\r\n[CHAPTER]\rtwo\n"), "one\\\n[CHAPTER]\\\ntwo\\\n");
  const text = ffmetadata([{ title: "x\nSTART=999", startSeconds: 0, endSeconds: 1 }]);
  assert.equal(text.split("\n").filter((line) => line.startsWith("START=")).length, 1);
});

test("NUL and the other characters no output can hold never reach ffmpeg", () => {
  assert.equal(escapeMetadata("Wrap-up\u0000 and\u0001 questions\u000b=\uFFFE"), "Wrap-up and questions \\=");
  const text = ffmetadata([{ title: "a\u0000b\u001fc", startSeconds: 0, endSeconds: 1 }]);
  assert.ok(!/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text), JSON.stringify(text));
  assert.ok(text.includes("title=abc\n"));
});
