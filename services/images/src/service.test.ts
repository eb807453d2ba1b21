// The real service as a process, called through the typed client: offline,
// with only the icon set (service-web.test.ts covers the web engines).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { DependencyError, imagesClient, statusName, type ImagesClient } from "@lectra/clients";
import { isPng, pngSize, startService, type ServiceProcess } from "@lectra/testing";
import { countOpaque, decodePng } from "./testing/pixels";

let service: ServiceProcess;
let images: ImagesClient;

before(async () => {
  service = await startService("images", { env: { LECTRA_IMAGES_ENGINES: "icons" } });
  images = imagesClient(service.address);
});

after(async () => {
  images?.downstream.close();
  assert.equal(await service?.stop(), 0);
});

test("a matching query gets a real PNG icon with its credits", async () => {
  const { picture, note, warnings } = await images.findPicture({ query: "heart", slideTitle: "How the heart pumps blood" });
  assert.ok(picture, note);
  assert.deepEqual(warnings, []);
  assert.ok(isPng(picture.data));
  assert.deepEqual(pngSize(picture.data), { width: 768, height: 768 });
  assert.ok(countOpaque(decodePng(picture.data), [0x1e, 0x3a, 0x5f]) > 10_000, "the icon is drawn, not blank");
  assert.deepEqual(
    { ...picture, data: undefined },
    {
      data: undefined,
      mediaType: "image/png",
      width: 768,
      height: 768,
      title: "Heart",
      sourceUrl: "https://lucide.dev/icons/heart",
      author: "Lucide contributors",
      license: "ISC",
      engine: "icons",
    },
  );
  assert.equal(note, 'icons matched "heart"');
});

test("the slide title is used when the query finds nothing", async () => {
  const { picture, note } = await images.findPicture({ query: "xqzv", slideTitle: "Photosynthesis in plant leaves" });
  assert.ok(picture, note);
  assert.match(picture.title, /leaf|plant|sprout|tree|flower/i);
  assert.match(note, /slide title/);
});

test("a nonsense query gets no picture and an OK answer", async () => {
  const { picture, note } = await images.findPicture({ query: "xqzv qwrtp", slideTitle: "" });
  assert.equal(picture, undefined);
  assert.match(note, /no picture matches "xqzv qwrtp"/);
});

test("an empty query and title is INVALID_ARGUMENT naming query", async () => {
  await assert.rejects(images.findPicture({ query: " ", slideTitle: "" }), (error: unknown) => {
    assert.ok(error instanceof DependencyError);
    assert.equal(statusName(error.code), "INVALID_ARGUMENT");
    assert.match(error.details, /^query: /);
    return true;
  });
});

test("an overlong slide title is INVALID_ARGUMENT naming slide_title", async () => {
  await assert.rejects(images.findPicture({ query: "heart", slideTitle: "x".repeat(501) }), (error: unknown) => {
    assert.ok(error instanceof DependencyError);
    assert.equal(statusName(error.code), "INVALID_ARGUMENT");
    assert.match(error.details, /^slide_title: /);
    return true;
  });
});
