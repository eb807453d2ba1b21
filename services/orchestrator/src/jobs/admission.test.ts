import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { status } from "@grpc/grpc-js";
import type { QueuePlace } from "@lectra/proto";
import { RpcError } from "@lectra/service-kit";
import { Admission, type Waiter } from "./admission";

function waiter(): Waiter & { places: number[]; stop(reason: unknown): void } {
  const controller = new AbortController();
  const places: number[] = [];
  return {
    signal: controller.signal,
    places,
    queued: (place: QueuePlace) => places.push(place.position),
    stop: (reason) => controller.abort(reason),
  };
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
};

describe("admission", () => {
  it("runs up to the limit, lines up the next ones in order, and refuses past the line, saying when to retry", async () => {
    const admission = new Admission({ maxRunning: 2, maxQueued: 2 });
    const [a, b, c, d, e] = [waiter(), waiter(), waiter(), waiter(), waiter()];
    const ta = admission.enter(a);
    const tb = admission.enter(b);
    assert.deepEqual([ta.waits, tb.waits], [false, false]);
    const tc = admission.enter(c);
    const td = admission.enter(d);
    assert.deepEqual([tc.waits, td.waits], [true, true]);
    assert.throws(
      () => admission.enter(e),
      (error: unknown) =>
        error instanceof RpcError &&
        error.code === status.RESOURCE_EXHAUSTED &&
        /2 jobs are running and 2 waiting, .*LECTRA_MAX_JOBS=2, LECTRA_MAX_QUEUED_JOBS=2.*retry in about \d+ s/.test(error.message),
    );
    tc.announce();
    td.announce();
    assert.deepEqual([c.places.at(-1), d.places.at(-1)], [1, 2]);

    ta.release();
    assert.equal(await settled(tc.granted), true, "the first in line gets the slot");
    assert.equal(await settled(td.granted), false);
    assert.equal(d.places.at(-1), 1, "and the next moves up");
    assert.deepEqual(admission.counts, { running: 2, waiting: 1 });
    tb.release();
    tc.release();
    td.release();
    assert.deepEqual(admission.counts, { running: 0, waiting: 0 });
  });

  it("a job stopped while it waits leaves the line, and its release frees nothing", async () => {
    const admission = new Admission({ maxRunning: 1, maxQueued: 2 });
    const [a, b, c] = [waiter(), waiter(), waiter()];
    const ta = admission.enter(a);
    const tb = admission.enter(b);
    const tc = admission.enter(c);
    b.stop("cancelled");
    await assert.rejects(tb.granted, (reason) => reason === "cancelled");
    tb.release();
    assert.deepEqual(admission.counts, { running: 1, waiting: 1 });
    assert.equal(c.places.at(-1), 1);
    ta.release();
    assert.equal(await settled(tc.granted), true);
    tc.release();
    assert.deepEqual(admission.counts, { running: 0, waiting: 0 });
  });

  it("the retry estimate follows how long jobs take", () => {
    const admission = new Admission({ maxRunning: 1, maxQueued: 0 });
    admission.enter(waiter());
    admission.ran(90);
    assert.throws(() => admission.enter(waiter()), /retry in about 90 s/);
  });
});
