// Themes through the public API, in process (as handlers.test.ts): ListThemes,
// a job's theme on every frame and deck call it makes, kept when the job is
// resumed, and the reason a theme changes the frames' cache entries: the slides
// service keys them on the whole request, theme included.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { BuildDeckRequest, GenerateRequest, JobState, RenderFramesRequest, type Job, type JobEvent, type Theme } from "@lectra/proto";
import type { LectraClient } from "@lectra/clients";
import { ResultCache } from "@lectra/service-kit";
import { solidPng } from "@lectra/testing";
import { builtInThemes, DEFAULT_THEME, SHIPPED_FONTS, themeByName } from "@lectra/themes";
import { servePublicApi, type ServedApi } from "./testing/public-api";
import { FakeServices } from "./testing/downstreams";

const TOPIC = { source: { $case: "topic" as const, value: "How tides work" }, slideCount: 2 };

describe("themes through LectraService", () => {
  const services = new FakeServices(["Tides", "The Moon"]);
  let api: ServedApi;
  let client: LectraClient;
  /** What the slides service was asked for, in order. */
  let frames: RenderFramesRequest[] = [];
  let decks: BuildDeckRequest[] = [];

  before(async () => {
    api = await servePublicApi(services);
    client = api.client;
    services.on("slides.renderFrames", (r) => void frames.push(r));
    services.on("slides.buildDeck", (r) => void decks.push(r));
  });
  after(() => api?.stop());

  /** Runs a job to its end; the job as it finished, and the slides calls it made. */
  async function finished(events: AsyncIterable<{ event?: JobEvent }>) {
    [frames, decks] = [[], []];
    let job: Job | undefined;
    try {
      for await (const { event } of events) if (event?.kind?.$case === "finished") job = event.kind.value;
    } catch {
      // A failed job ends its call with an error after its finished event.
    }
    assert.ok(job, "the job never finished");
    return { job, frames, decks };
  }
  const generate = (fields: Partial<GenerateRequest>) => finished(client.generate(GenerateRequest.fromPartial({ ...TOPIC, ...fields })));

  it("ListThemes lists every built-in theme, whole, the default and the shipped fonts", async () => {
    const listed = await client.listThemes({});
    assert.deepEqual(listed.themes, builtInThemes.map((t) => ({ ...t })));
    assert.equal(listed.defaultTheme, DEFAULT_THEME);
    assert.deepEqual(listed.fonts, [...SHIPPED_FONTS]);
  });

  it("a job's theme goes with every frame and the deck, and the job says its name", async () => {
    const { job, frames, decks } = await generate({ theme: "chalkboard" });
    assert.equal(job.state, JobState.JOB_STATE_SUCCEEDED, job.error?.message);
    assert.equal(job.theme, "chalkboard");
    assert.equal(frames.length, 2);
    for (const request of [...frames, ...decks]) assert.deepEqual(request.theme, themeByName("chalkboard"));
    assert.equal(decks.length, 1);

    const plain = await generate({});
    assert.equal(plain.job.theme, DEFAULT_THEME);
    assert.deepEqual(plain.decks[0]!.theme, themeByName(DEFAULT_THEME), "none asked for: the default is sent, not left unset");
  });

  it("a resumed job is drawn in the custom theme it started with, logo and all", async () => {
    const logo = solidPng(24, 12, [10, 120, 130]);
    const themeJson = JSON.stringify({ name: "physics", base: "paper", colors: { band: "#0A7B83" }, logo: `data:image/png;base64,${logo.toString("base64")}` });
    let videoFails = true;
    services.on("video.assembleVideo", async () => {
      if (videoFails) throw new Error("the video service went away");
      return undefined;
    });
    const first = await generate({ themeJson });
    assert.equal(first.job.state, JobState.JOB_STATE_FAILED);
    assert.equal(first.job.theme, "physics");
    const theme: Theme = first.frames[0]!.theme!;
    assert.equal(theme.colors!.band, "0A7B83");
    assert.deepEqual([Buffer.from(theme.logo!.data), theme.logo!.width, theme.logo!.height], [logo, 24, 12]);

    videoFails = false;
    const resumed = await finished(client.resumeJob({ jobId: first.job.id }));
    assert.equal(resumed.job.state, JobState.JOB_STATE_SUCCEEDED, resumed.job.error?.message);
    assert.equal(resumed.job.theme, "physics");
    for (const request of [...resumed.frames, ...resumed.decks]) assert.deepEqual(request.theme, theme);
    services.on("video.assembleVideo", () => undefined);
  });

  it("the frames' cache keys differ between two themes and agree within one", async () => {
    // As services/slides keys a RenderFrames result: on the request's bytes, whole.
    const keys = (requests: RenderFramesRequest[]) => requests.map((r) => ResultCache.key("frames", 1, RenderFramesRequest.encode(r).finish()));
    const classic = keys((await generate({ theme: "classic" })).frames);
    const again = keys((await generate({ theme: "classic" })).frames);
    const paper = keys((await generate({ theme: "paper" })).frames);
    assert.deepEqual(again.sort(), [...classic].sort(), "the same lecture in the same theme hits the cache");
    for (const key of paper) assert.ok(!classic.includes(key), "a frame in another theme is drawn again");
  });
});
