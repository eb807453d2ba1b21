import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { solidPng } from "@lectra/testing";
import { readThemeFile } from "./theme-file";
import { UsageError } from "./usage-error";

describe("a --theme-file as theme_json", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-theme-file-"));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, content: string | Buffer) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    return file;
  };

  it("without a logo file, is sent as written, for the server to check", () => {
    const text = '{ "base": "paper", "colors": { "band": "red" } }\n';
    assert.equal(readThemeFile(write("plain.json", text)), text);
    const inline = JSON.stringify({ logo: "data:image/png;base64,AAAA" });
    assert.equal(readThemeFile(write("inline.json", inline)), inline);
  });

  it("a logo path, relative to the theme file, is read and put in as a data URL of what its bytes are", () => {
    const png = solidPng(8, 4, [1, 2, 3]);
    write("themes/art/crest.jpg", png); // named .jpg, but a PNG
    const sent = JSON.parse(readThemeFile(write("themes/mine.json", JSON.stringify({ name: "mine", logo: "art/crest.jpg" }))));
    assert.deepEqual(sent, { name: "mine", logo: `data:image/png;base64,${png.toString("base64")}` });
  });

  it("an absolute logo path works too", () => {
    const png = solidPng(2, 2, [0, 0, 0]);
    const logo = write("abs/logo.png", png);
    assert.equal(JSON.parse(readThemeFile(write("abs.json", JSON.stringify({ logo })))).logo, `data:image/png;base64,${png.toString("base64")}`);
  });

  it("a logo that is not there, or not a PNG or JPEG, is the user's to fix", () => {
    const missing = write("missing.json", JSON.stringify({ logo: "nowhere.png" }));
    assert.throws(() => readThemeFile(missing), (e: Error) => e instanceof UsageError && /the logo in .*missing\.json is not there: no such file .*nowhere\.png/.test(e.message));
    write("notes.png", "just text");
    const wrong = write("wrong.json", JSON.stringify({ logo: "notes.png" }));
    assert.throws(() => readThemeFile(wrong), (e: Error) => e instanceof UsageError && /notes\.png, is neither a PNG nor a JPEG .*; give a PNG or JPEG/.test(e.message));
  });
});
