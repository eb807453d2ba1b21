import { after, before, beforeEach, test } from "node:test";
import assert from "node:assert/strict";
import { FakeCommons, type FakePicture, fakePicture } from "@lectra/fakes";
import type { Logger } from "@lectra/service-kit";
import { loopbackFetch } from "../testing/loopback-fetch";
import { commonsCandidates, commonsSearchUrl, wikimediaApi } from "./wikimedia";
import { webFinder } from "./web-finder";

const quiet = () => undefined;
const log: Logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
const live = () => new AbortController().signal;

const picture = fakePicture;

let commons: FakeCommons;
const { net, stray } = loopbackFetch();

before(async () => {
  commons = new FakeCommons();
  await commons.start();
  commons.oversizeBytes = 2 * 1024 * 1024; // over the 1 MiB cap of loopbackFetch
});

beforeEach(() => {
  commons.requests.length = 0;
});

after(async () => {
  net.close();
  await commons.stop();
  assert.deepEqual(stray, [], "no test dialled anything but loopback");
});

const finder = () => webFinder(wikimediaApi(commons.apiUrl), net, { concurrency: 2, log, retryDelayMs: 10 });

test("the search asks for bitmap files in the File namespace, with image info, credits and a 1280 px thumbnail", () => {
  const url = new URL(commonsSearchUrl("https://commons.wikimedia.org/w/api.php", "human heart"));
  assert.equal(url.origin + url.pathname, "https://commons.wikimedia.org/w/api.php");
  const q = Object.fromEntries(url.searchParams);
  assert.deepEqual(q, {
    action: "query",
    generator: "search",
    gsrsearch: "human heart filetype:bitmap",
    gsrnamespace: "6",
    gsrlimit: "10",
    prop: "imageinfo",
    iiprop: "url|size|mime|extmetadata",
    iiurlwidth: "1280",
    iiextmetadatafilter: "Artist|LicenseShortName|ObjectName",
    format: "json",
    formatversion: "2",
  });
});

test("commonsCandidates: search rank from `index`, thumbnail URL and size, plain-text credits, only JPEG and PNG", () => {
  const page = (index: number, name: string, mime: string) => ({
    pageid: 1000 - index,
    ns: 6,
    title: `File:${name}`,
    index,
    imageinfo: [
      {
        width: 4000,
        height: 3000,
        thumburl: `https://upload.wikimedia.org/thumb/${name}/1280px-${name}`,
        thumbwidth: 1280,
        thumbheight: 960,
        url: `https://upload.wikimedia.org/${name}`,
        descriptionurl: `https://commons.wikimedia.org/wiki/File:${name}`,
        mime,
        extmetadata: {
          Artist: { value: '<a href="//commons.wikimedia.org/wiki/User:Ann" title="User:Ann">Ann</a> &amp; Bo' },
          LicenseShortName: { value: "CC BY 4.0" },
        },
      },
    ],
  });
  const candidates = commonsCandidates({
    batchcomplete: true,
    query: { pages: [page(3, "C.png", "image/png"), page(2, "B.tif", "image/tiff"), page(1, "A_heart.jpg", "image/jpeg")] },
  });
  assert.deepEqual(candidates, [
    {
      rank: 0,
      title: "A heart",
      url: "https://upload.wikimedia.org/thumb/A_heart.jpg/1280px-A_heart.jpg",
      width: 1280,
      height: 960,
      sourceUrl: "https://commons.wikimedia.org/wiki/File:A_heart.jpg",
      author: "Ann & Bo",
      license: "CC BY 4.0",
    },
    {
      rank: 2,
      title: "C",
      url: "https://upload.wikimedia.org/thumb/C.png/1280px-C.png",
      width: 1280,
      height: 960,
      sourceUrl: "https://commons.wikimedia.org/wiki/File:C.png",
      author: "Ann & Bo",
      license: "CC BY 4.0",
    },
  ]);
  assert.deepEqual(commonsCandidates({ batchcomplete: true }), [], "no match: no query key");
  assert.throws(() => commonsCandidates({ error: { code: "maxlag", info: "Waiting for a database server" } }), /maxlag: Waiting/);
});

test("against the fake: the best candidate's thumbnail, with author (HTML stripped), licence and source", async () => {
  commons.pictures = [
    picture("Heart valves animation.gif", "jpeg", { mime: "image/gif" }),
    picture("Cardiology ward.jpg", "jpeg", { tags: ["heart"] }),
    picture("Human heart diagram.jpg", "jpeg", { artistHtml: '<span class="fn"><a href="//commons.wikimedia.org/wiki/User:JD">Jane&nbsp;Doe</a></span>' }),
    picture("Heart anatomy drawing.png", "png", { license: "cc0", licenseVersion: "1.0" }),
  ];
  const warnings: string[] = [];
  const found = await finder().find("human heart", live(), (w) => warnings.push(w));
  assert.ok(found);
  assert.deepEqual(
    { ...found, data: undefined },
    {
      data: undefined,
      mediaType: "image/jpeg",
      width: 1280,
      height: 853,
      title: "Human heart diagram",
      sourceUrl: "https://commons.wikimedia.org/wiki/File:Human_heart_diagram.jpg",
      author: "Jane Doe",
      license: "CC BY-SA 4.0",
      engine: "wikimedia",
    },
  );
  assert.deepEqual(found.data.subarray(0, 3), Buffer.from([0xff, 0xd8, 0xff]));
  assert.deepEqual(warnings, []);
  assert.deepEqual(commons.fileRequests.map((r) => r.path), ["/files/2/1280px-Human_heart_diagram.jpg"]);
  assert.ok(commons.requests.every((r) => r.userAgent === "LECTRA-test/1"), "every request names us");
  assert.equal(new URL(commons.searches[0]!.path, commons.url).searchParams.get("gsrsearch"), "human heart filetype:bitmap");
});

test("against the fake: bad files are passed over (HTML as image/jpeg, a private redirect) until one downloads", async () => {
  commons.pictures = [
    picture("Heart scan.jpg", "html"),
    picture("Heart drawing.jpg", "private-redirect"),
    picture("Heart photo.jpg", "redirect-chain"),
  ];
  commons.privateRedirectTarget = "http://169.254.169.254/latest/meta-data/";
  const warnings: string[] = [];
  const found = await finder().find("heart", live(), (w) => warnings.push(w));
  assert.equal(found?.title, "Heart photo");
  assert.equal(found?.mediaType, "image/jpeg");
  assert.deepEqual(warnings, [], "a picture was found: the passed-over files are no news for the user");
  assert.deepEqual(
    commons.fileRequests.map((r) => r.path.replace(/\/[^/]*$/, "")),
    ["/files/0", "/escape/1", "/hop/2/2", "/hop/1/2", "/files/2"],
    "the private target was never requested",
  );
});

test("against the fake: when every candidate is bad, no picture and one warning saying why for each", async () => {
  commons.pictures = [
    picture("Heart scan.jpg", "html"),
    picture("Heart MRI.png", "oversized"),
    picture("Heart model.jpg", "private-literal"),
    picture("Heart sketch.jpg", "long-redirect-chain"),
  ];
  const warnings: string[] = [];
  assert.equal(await finder().find("heart", live(), (w) => warnings.push(w)), undefined);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^wikimedia found no usable picture for "heart": /);
  assert.match(warnings[0]!, /not a PNG or JPEG \(image\/jpeg, starts "<!DOCTYPE/);
  assert.match(warnings[0]!, /more than 1048576 bytes/);
  assert.match(warnings[0]!, /http:\/\/10\.0\.0\.7\/files\/2\/1280px-Heart_model\.jpg is refused: 10\.0\.0\.7 is a private address/);
  assert.doesNotMatch(warnings[0]!, /Heart_sketch/, "only the best three are tried");
});

test("against the fake: no match is no picture and no warning", async () => {
  commons.pictures = [picture("Heart photo.jpg", "jpeg")];
  const warnings: string[] = [];
  assert.equal(await finder().find("xqzv", live(), (w) => warnings.push(w)), undefined);
  assert.deepEqual(warnings, []);
  assert.equal(commons.fileRequests.length, 0);
});
