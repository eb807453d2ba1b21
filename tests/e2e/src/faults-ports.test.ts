// A service's port taken by a socket that connected to itself, as a client
// dialling the port before the service listened can leave it (LECTRA's default
// ports lie in Linux's ephemeral range; @lectra/clients' ports.ts explains).
// The fault is made for real here, then closed as a gRPC client closes it,
// which leaves the port in TIME_WAIT for 60 s: start-up must wait it out.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { checkHealth, ephemeralPorts } from "@lectra/clients";
import { freeEphemeralEvenPort, freePort, selfConnect, startService } from "@lectra/testing";

/** Listening on the port: resolves when it could, rejects with the error when not. */
function listenOnce(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

describe("a port held by a socket connected to itself", () => {
  it("keeps a server from binding for a minute after it closes; the service starts there once it may, saying why it waited", async (t) => {
    const port = await freeEphemeralEvenPort();
    const dialled = performance.now();
    const socket = await selfConnect(port);
    t.diagnostic(`127.0.0.1:${port} connected to itself after ${(performance.now() - dialled).toFixed(0)} ms of dialling`);
    assert.equal(socket.localPort, socket.remotePort, "the socket is connected to itself");
    socket.destroy();
    await new Promise((r) => setTimeout(r, 100));
    await assert.rejects(listenOnce(port), { code: "EADDRINUSE" }, "the fault is real: closed, the socket still keeps the port from being listened on");

    const started = performance.now();
    const llm = await startService("llm", { address: `127.0.0.1:${port}`, env: { LECTRA_LLM_PROVIDER: "none" } });
    try {
      t.diagnostic(`llm served on 127.0.0.1:${port} after ${((performance.now() - started) / 1000).toFixed(1)} s`);
      assert.equal(await checkHealth(llm.address, 3000), "SERVING");
      assert.match(llm.logs(), new RegExp(`127\\.0\\.0\\.1:${port} is in use, by no server: a client that dialled it before this service listened connected to itself`));
    } finally {
      await llm.stop();
    }
  });

  it("cannot happen on the ports tests pick: they lie below the ephemeral range", async () => {
    const { low } = ephemeralPorts();
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      assert.ok(port < low, `${port} is below ${low}`);
    }
  });
});
