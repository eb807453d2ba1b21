import { test } from "node:test";
import assert from "node:assert/strict";
import type { Picture } from "@lectra/proto";
import { RpcError, statusName, type Logger } from "@lectra/service-kit";
import { FinderUnavailable, type PictureFinder } from "./engines/engine";
import { findPicture, MAX_TEXT_CHARS, OFFLINE_RESERVE_MS, searchesFor } from "./handlers";

const quiet = () => undefined;
const log: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
const live = () => new AbortController().signal;

const picture = (engine: string, title: string): Picture => ({
  data: Buffer.from("png"),
  mediaType: "image/png",
  width: 1,
  height: 1,
  title,
  sourceUrl: "",
  author: "",
  license: "",
  engine,
});

/** Finds a picture only for the given words, and records what it was asked. */
function finder(name: string, knows: string[], asked: string[] = []): PictureFinder {
  return {
    name,
    find: async (query) => {
      asked.push(`${name}:${query}`);
      return knows.includes(query) ? picture(name, query) : undefined;
    },
  };
}

const broken: PictureFinder = {
  name: "wikimedia",
  find: async () => {
    throw new Error("connection refused");
  },
};

const invalid = (field: string) => (error: unknown) =>
  error instanceof RpcError && statusName(error.code) === "INVALID_ARGUMENT" && error.message.startsWith(`${field}: `);

test("searchesFor: the query first, then the slide title, trimmed, empty ones left out", () => {
  assert.deepEqual(
    searchesFor({ query: " heart ", slideTitle: "The heart" }).map((s) => s.text),
    ["heart", "The heart"],
  );
  assert.deepEqual(searchesFor({ query: "  ", slideTitle: "Cells" }).map((s) => s.text), ["Cells"]);
});

test("searchesFor: nothing to search for is INVALID_ARGUMENT on query", () => {
  assert.throws(() => searchesFor({ query: "", slideTitle: " \n" }), invalid("query"));
});

test("searchesFor: overlong text is INVALID_ARGUMENT naming the field", () => {
  const long = "a".repeat(MAX_TEXT_CHARS + 1);
  assert.throws(() => searchesFor({ query: long, slideTitle: "" }), invalid("query"));
  assert.throws(() => searchesFor({ query: "heart", slideTitle: long }), invalid("slide_title"));
  assert.doesNotThrow(() => searchesFor({ query: "a".repeat(MAX_TEXT_CHARS), slideTitle: "" }));
});

test("findPicture: the query goes through every finder before the title is tried", async () => {
  const asked: string[] = [];
  const finders = [finder("web", [], asked), finder("icons", ["Cells"], asked)];
  const answer = await findPicture(finders, searchesFor({ query: "xqzv", slideTitle: "Cells" }), live(), log);
  assert.equal(answer.picture?.engine, "icons");
  assert.deepEqual(asked, ["web:xqzv", "icons:xqzv", "web:Cells", "icons:Cells"]);
  assert.match(answer.note, /^icons matched the slide title "Cells"/);
});

test("findPicture: a failing finder is noted, warned about and skipped, the next one answers", async () => {
  const asked: string[] = [];
  const answer = await findPicture([broken, finder("icons", ["heart"], asked)], searchesFor({ query: "heart", slideTitle: "Heart" }), live(), log);
  assert.equal(answer.picture?.engine, "icons");
  assert.match(answer.note, /icons matched "heart"; wikimedia failed: connection refused/);
  assert.deepEqual(answer.warnings, ["wikimedia failed: connection refused"]);
});

test("findPicture: a failed finder is not asked again for the slide title", async () => {
  let calls = 0;
  const failing: PictureFinder = { name: "openverse", find: async () => (calls++, Promise.reject(new Error("HTTP 500"))) };
  const answer = await findPicture([failing, finder("icons", ["Cells"])], searchesFor({ query: "xqzv", slideTitle: "Cells" }), live(), log);
  assert.equal(answer.picture?.engine, "icons");
  assert.equal(calls, 1);
  assert.deepEqual(answer.warnings, ["openverse failed: HTTP 500"]);
});

test("findPicture: a quiet failure (no internet here) is in the note but not a warning", async () => {
  const offline: PictureFinder = {
    name: "wikimedia",
    usesNetwork: true,
    find: async () => {
      throw new FinderUnavailable("is unreachable (getaddrinfo ENOTFOUND commons.wikimedia.org)", true);
    },
  };
  const answer = await findPicture([offline, finder("icons", ["heart"])], searchesFor({ query: "heart", slideTitle: "" }), live(), log);
  assert.equal(answer.picture?.engine, "icons");
  assert.deepEqual(answer.warnings, []);
  assert.equal(answer.note, 'icons matched "heart"; wikimedia is unreachable (getaddrinfo ENOTFOUND commons.wikimedia.org)');
});

test("findPicture: what a finder warns about on the way reaches the answer", async () => {
  const picky: PictureFinder = {
    name: "openverse",
    usesNetwork: true,
    find: async (_query, _signal, warn) => {
      warn("openverse found no usable picture for \"heart\": http://10.0.0.7/a.jpg is refused");
      return undefined;
    },
  };
  const answer = await findPicture([picky, finder("icons", ["heart"])], searchesFor({ query: "heart", slideTitle: "" }), live(), log);
  assert.equal(answer.picture?.engine, "icons");
  assert.deepEqual(answer.warnings, ['openverse found no usable picture for "heart": http://10.0.0.7/a.jpg is refused']);
});

test("findPicture: web engines share a time budget; when it is spent the offline engine still answers", async () => {
  const asked: string[] = [];
  const hanging: PictureFinder = {
    name: "wikimedia",
    usesNetwork: true,
    find: (_query, signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
  };
  const second: PictureFinder = { ...finder("openverse", ["heart"], asked), usesNetwork: true };
  const answer = await findPicture([hanging, second, finder("icons", ["heart"])], searchesFor({ query: "heart", slideTitle: "" }), live(), log, {
    webBudgetMs: 50,
  });
  assert.equal(answer.picture?.engine, "icons");
  assert.deepEqual(asked, [], "no time was left for the second web engine");
  assert.deepEqual(answer.warnings, ["wikimedia failed: no answer in the time left for web searches"]);
  assert.match(answer.note, /openverse is skipped: the time for web searches is spent/);
});

test("findPicture: the budget ends before the caller's deadline, leaving the offline engine time", async () => {
  const hanging: PictureFinder = {
    name: "wikimedia",
    usesNetwork: true,
    find: (_query, signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true })),
  };
  const deadline = new Date(Date.now() + OFFLINE_RESERVE_MS + 50);
  const answer = await findPicture([hanging, finder("icons", ["heart"])], searchesFor({ query: "heart", slideTitle: "" }), live(), log, {
    webBudgetMs: 60_000,
    deadline,
  });
  assert.equal(answer.picture?.engine, "icons");
});

test("findPicture: no match is an answer with no picture and a note saying what was tried", async () => {
  const answer = await findPicture([broken, finder("icons", [])], searchesFor({ query: "xqzv", slideTitle: "Qwrtp" }), live(), log);
  assert.equal(answer.picture, undefined);
  assert.equal(answer.note, 'no picture matches "xqzv" or the slide title "Qwrtp" (tried wikimedia, icons); wikimedia failed: connection refused');
});

test("findPicture: cancellation is not swallowed as a failed finder", async () => {
  const controller = new AbortController();
  const cancelling: PictureFinder = {
    name: "web",
    find: async () => {
      controller.abort(new DOMException("the caller cancelled", "AbortError"));
      throw controller.signal.reason;
    },
  };
  const icons = finder("icons", ["heart"]);
  await assert.rejects(findPicture([cancelling, icons], searchesFor({ query: "heart", slideTitle: "" }), controller.signal, log), {
    name: "AbortError",
  });
});
