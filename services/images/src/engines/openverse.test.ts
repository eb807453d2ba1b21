import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { FakeOpenverse, type FakePicture, fakePicture } from "@lectra/fakes";
import type { Logger } from "@lectra/service-kit";
import { loopbackFetch } from "../testing/loopback-fetch";
import { licenseName, openverseApi, openverseCandidates, openverseSearchUrl } from "./openverse";
import { webFinder } from "./web-finder";

const quiet = () => undefined;
const log: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
const live = () => new AbortController().signal;

const picture = (name: string, kind: FakePicture["kind"], more: Partial<FakePicture> = {}): FakePicture =>
  fakePicture(name, kind, { width: 1600, height: 1200, license: "by", licenseVersion: "2.0", ...more });

let openverse: FakeOpenverse;
const { net, stray } = loopbackFetch();

before(async () => {
  openverse = new FakeOpenverse();
  await openverse.start();
});

beforeEach(() => {
  openverse.requests.length = 0;
});

after(async () => {
  net.close();
  await openverse.stop();
  assert.deepEqual(stray, []);
});

const finder = () => webFinder(openverseApi(openverse.apiUrl), net, { concurrency: 2, log, retryDelayMs: 10 });

test("the search asks for 10 images under licences that allow any use, nothing mature", () => {
  const url = new URL(openverseSearchUrl("https://api.openverse.org/v1/", "human heart"));
  assert.equal(url.origin + url.pathname, "https://api.openverse.org/v1/images/");
  assert.deepEqual(Object.fromEntries(url.searchParams), { q: "human heart", page_size: "10", license: "by,by-sa,cc0,pdm", mature: "false" });
});

test("licence names as a credit line shows them", () => {
  assert.equal(licenseName("by-sa", "2.0"), "CC BY-SA 2.0");
  assert.equal(licenseName("by", "4.0"), "CC BY 4.0");
  assert.equal(licenseName("cc0", "1.0"), "CC0 1.0");
  assert.equal(licenseName("pdm", "1.0"), "Public Domain Mark 1.0");
});

test("openverseCandidates keeps results in order and drops restrictive licences and other formats, should the API ignore the filter", () => {
  const result = (title: string, license: string, filetype: string | null) => ({
    title,
    url: `https://live.staticflickr.com/${title}.jpg`,
    width: 1024,
    height: 768,
    creator: "Ann &amp; Bo",
    license,
    license_version: "2.0",
    foreign_landing_url: `https://www.flickr.com/photos/x/${title}`,
    filetype,
  });
  const candidates = openverseCandidates({
    result_count: 4,
    results: [result("a", "by-nc", "jpg"), result("b", "by-sa", "jpg"), result("c", "by", "gif"), result("d", "cc0", null)],
  });
  assert.deepEqual(
    candidates.map((c) => [c.rank, c.title, c.license, c.author, c.sourceUrl]),
    [
      [1, "b", "CC BY-SA 2.0", "Ann & Bo", "https://www.flickr.com/photos/x/b"],
      [3, "d", "CC0 2.0", "Ann & Bo", "https://www.flickr.com/photos/x/d"],
    ],
  );
  assert.throws(() => openverseCandidates({ detail: "Throttled" }), /without a results list/);
});

test("against the fake: the best picture with creator, licence and landing page; the licence filter is sent", async () => {
  openverse.pictures = [
    picture("Heart shaped cloud", "jpeg", { license: "by-nc" }),
    picture("Human heart model", "png", { author: "John Roe", license: "by-sa", licenseVersion: "4.0" }),
    picture("Heart", "jpeg", { width: 300, height: 200 }),
  ];
  const found = await finder().find("human heart", live(), () => assert.fail("no warning expected"));
  assert.ok(found);
  assert.deepEqual(
    { ...found, data: undefined },
    {
      data: undefined,
      mediaType: "image/png",
      width: 1600,
      height: 1200,
      title: "Human heart model",
      sourceUrl: "https://www.flickr.com/photos/fake/1001",
      author: "John Roe",
      license: "CC BY-SA 4.0",
      engine: "openverse",
    },
  );
  const search = new URL(openverse.searches[0]!.path, openverse.url);
  assert.equal(search.pathname, "/v1/images/");
  assert.equal(search.searchParams.get("license"), "by,by-sa,cc0,pdm");
  assert.deepEqual(openverse.fileRequests.map((r) => r.path), ["/files/1/Human_heart_model"]);
});

test("against the fake: passes over a private redirect and a file that is not a picture", async () => {
  openverse.pictures = [picture("Heart one", "private-redirect"), picture("Heart two", "html"), picture("Heart three", "jpeg")];
  openverse.privateRedirectTarget = "http://192.168.0.1/admin";
  const found = await finder().find("heart", live(), () => assert.fail("no warning expected"));
  assert.equal(found?.title, "Heart three");
  assert.equal(found?.mediaType, "image/jpeg");
});
