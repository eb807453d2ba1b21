// The real service as a process with its web engines pointed at the fake
// Commons and Openverse on loopback (LECTRA_IMAGES_ALLOW_LOOPBACK=1 lets it
// reach them; every other address stays refused).
//
// A process cannot be given a dial hook, so the refused addresses here are
// 0.0.0.0 forms ("unspecified", refused always, the classic way to reach
// "this host"): were the guard broken, the service would only reach the fakes
// on this machine, and the assertions would catch it. Private and link-local
// refusal with real 10/8 and 169.254/16 addresses is shown where a dial hook
// guarantees no socket leaves loopback (net/safe-fetch.test.ts, engines/*.test.ts).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { FakeCommons, FakeOpenverse, type FakePicture, fakePicture } from "@lectra/fakes";
import { imagesClient, type ImagesClient } from "@lectra/clients";
import { isPng, pngSize, probe, startService, type ServiceProcess } from "@lectra/testing";

const picture = fakePicture;

let commons: FakeCommons;
let openverse: FakeOpenverse;
let service: ServiceProcess;
let images: ImagesClient;
let dir: string;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-images-"));
  commons = new FakeCommons({
    pictures: [
      picture("Human heart diagram.jpg", "jpeg", { artistHtml: '<a href="//commons.wikimedia.org/wiki/User:JD" title="User:JD">Jane&nbsp;Doe</a>' }),
      picture("Lightning over the city.jpg", "private-redirect"),
    ],
  });
  openverse = new FakeOpenverse({
    pictures: [picture("Lightning bolt", "private-literal"), picture("Heart model", "png", { author: "John Roe", license: "cc0", licenseVersion: "1.0" })],
  });
  await Promise.all([commons.start(), openverse.start()]);
  commons.privateRedirectTarget = `http://0.0.0.0:${new URL(commons.url).port}/latest/meta-data/`;
  openverse.privateHost = `0.0.0.0:${new URL(openverse.url).port}`;
  service = await startService("images", {
    env: {
      LECTRA_COMMONS_API_URL: commons.apiUrl,
      LECTRA_OPENVERSE_API_URL: openverse.apiUrl,
      LECTRA_IMAGES_ALLOW_LOOPBACK: "1",
      LECTRA_IMAGES_MAX_BYTES: String(1024 * 1024),
      LECTRA_IMAGES_USER_AGENT: "LECTRA-process-test/1",
    },
  });
  images = imagesClient(service.address);
});

after(async () => {
  images?.downstream.close();
  assert.equal(await service?.stop(), 0);
  await Promise.all([commons?.stop(), openverse?.stop()]);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the loopback setting is announced as tests-only when the service starts", () => {
  assert.match(service.logs(), /LECTRA_IMAGES_ALLOW_LOOPBACK is set.*For tests only/);
});

test("a Commons picture comes back as a real JPEG with its credits", async () => {
  const { picture: found, note, warnings } = await images.findPicture({ query: "human heart", slideTitle: "How the heart pumps blood" });
  assert.ok(found, note);
  const file = path.join(dir, "heart.jpg");
  fs.writeFileSync(file, found.data);
  const [stream] = probe(file).streams;
  assert.deepEqual([stream?.codec_name, stream?.width, stream?.height], ["mjpeg", 1280, 853]);
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
  assert.equal(note, 'wikimedia matched "human heart"');
  assert.deepEqual(warnings, []);
  assert.ok(commons.requests.every((r) => r.userAgent === "LECTRA-process-test/1"));
});

test("pictures behind a redirect to a refused address, or at one, are refused, and the slide still gets an icon", async () => {
  const { picture: found, note, warnings } = await images.findPicture({ query: "lightning", slideTitle: "" });
  assert.ok(found, note);
  assert.equal(found.engine, "icons");
  assert.ok(isPng(found.data));
  assert.deepEqual(pngSize(found.data), { width: 768, height: 768 });
  assert.match(found.title, /zap|lightning/i);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^wikimedia found no usable picture for "lightning": http:\/\/127\.0\.0\.1:\d+\/escape\/1\/\S+: http:\/\/0\.0\.0\.0:\d+\/latest\/meta-data\/ is refused: 0\.0\.0\.0 is an unspecified address/);
  assert.match(warnings[1]!, /^openverse found no usable picture for "lightning": http:\/\/0\.0\.0\.0:\d+\/files\/0\/Lightning_bolt is refused: 0\.0\.0\.0 is an unspecified address/);
  assert.deepEqual(
    commons.fileRequests.map((r) => r.path),
    ["/files/0/1280px-Human_heart_diagram.jpg", "/escape/1/1280px-Lightning_over_the_city.jpg"],
    "the redirect was asked for; where it pointed never was",
  );
  assert.deepEqual(openverse.fileRequests, [], "the picture at the refused address was never asked for");
  assert.match(service.logs(), /wikimedia: download refused/);
});

test("with Commons failing, Openverse answers, with a warning (last: Commons stays skipped for a while)", async () => {
  commons.failNext(2, 500);
  const { picture: found, warnings } = await images.findPicture({ query: "heart", slideTitle: "" });
  assert.ok(found);
  assert.deepEqual([found.engine, found.title, found.author, found.license, found.mediaType], ["openverse", "Heart model", "John Roe", "CC0 1.0", "image/png"]);
  assert.deepEqual(pngSize(found.data), { width: 2400, height: 1600 });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^wikimedia failed: .*answered HTTP 500/);
});

test("an unknown engine name stops the start with a clear message", async () => {
  await assert.rejects(startService("images", { env: { LECTRA_IMAGES_ENGINES: "wikimedia,flickr,icons" } }), /unknown engine "flickr"/);
});
