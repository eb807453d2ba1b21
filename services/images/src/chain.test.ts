// The whole fallback chain with real finders: the web engines against their
// fakes (one stopped, one answering 500), then the offline icon set.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { FakeCommons, FakeOpenverse } from "@lectra/fakes";
import type { Logger } from "@lectra/service-kit";
import { iconFinder, loadIconSet } from "./engines/icons";
import { openverseApi } from "./engines/openverse";
import { webFinder } from "./engines/web-finder";
import { wikimediaApi } from "./engines/wikimedia";
import { findPicture, searchesFor } from "./handlers";
import { loopbackFetch } from "./testing/loopback-fetch";

const quiet = () => undefined;
const log: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
const live = () => new AbortController().signal;
const icons = iconFinder(loadIconSet(), { size: 64, color: "#1e3a5f" });

let stoppedCommons: string;
let openverse: FakeOpenverse;
const { net, stray } = loopbackFetch();

before(async () => {
  const commons = new FakeCommons();
  await commons.start();
  stoppedCommons = commons.apiUrl;
  await commons.stop(); // nothing listens there any more: connection refused
  openverse = new FakeOpenverse();
  await openverse.start();
});

after(async () => {
  net.close();
  await openverse.stop();
  assert.deepEqual(stray, []);
});

test("Commons down and Openverse failing: the icon answers, with a warning for each web engine", async () => {
  openverse.failNext(2, 500);
  const finders = [
    webFinder(wikimediaApi(stoppedCommons), net, { concurrency: 2, log, retryDelayMs: 10 }),
    webFinder(openverseApi(openverse.apiUrl), net, { concurrency: 2, log, retryDelayMs: 10 }),
    icons,
  ];
  const answer = await findPicture(finders, searchesFor({ query: "heart", slideTitle: "The heart" }), live(), log);
  assert.equal(answer.picture?.engine, "icons");
  assert.equal(answer.picture?.title, "Heart");
  assert.equal(answer.warnings.length, 2);
  assert.match(answer.warnings[0]!, /^wikimedia failed: .*ECONNREFUSED 127\.0\.0\.1/);
  assert.match(answer.warnings[1]!, /^openverse failed: .*answered HTTP 500/);
  assert.match(answer.note, /^icons matched "heart"; wikimedia failed: .*; openverse failed: /);

  // The next slide: both breakers are open, so neither API is asked again.
  const searchesBefore = openverse.searches.length;
  const next = await findPicture(finders, searchesFor({ query: "heart", slideTitle: "" }), live(), log);
  assert.equal(next.picture?.engine, "icons");
  assert.equal(openverse.searches.length, searchesBefore);
  assert.match(next.warnings.join("\n"), /wikimedia is skipped: wikimedia failed \d+ s ago/);
});

test("a web engine that finds a good picture answers before the icons", async () => {
  const finders = [webFinder(openverseApi(openverse.apiUrl), net, { concurrency: 2, log }), icons];
  const answer = await findPicture(finders, searchesFor({ query: "human heart", slideTitle: "" }), live(), log);
  assert.equal(answer.picture?.engine, "openverse");
  assert.equal(answer.picture?.title, "Human heart diagram");
  assert.deepEqual(answer.warnings, []);
});
