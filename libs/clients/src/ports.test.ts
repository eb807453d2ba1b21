// Waiting for a port to be listened on, from the kernel's socket table, never
// by connecting to it (ports.ts says why that matters).
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { ephemeralPorts, isListening, portOf, waitUntilListening } from "./ports";

/** A port nothing listens on (the kernel's pick). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe("waiting for a port to be listened on", () => {
  it("reads the port of host:port addresses, and none from gRPC targets", () => {
    assert.equal(portOf("127.0.0.1:50054"), 50054);
    assert.equal(portOf("0.0.0.0:1"), 1);
    assert.equal(portOf("[::1]:50051"), 50051);
    assert.equal(portOf("localhost:7"), 7);
    assert.equal(portOf("dns:///speech:50055"), undefined);
    assert.equal(portOf("ipv4:10.0.0.1:1,10.0.0.2:1"), undefined);
  });

  it("resolves once a listener appears, without ever connecting to it", async () => {
    const port = await freePort();
    assert.equal(isListening(port), false, "nothing listens yet");
    let connections = 0;
    const server = net.createServer(() => connections++);
    setTimeout(() => server.listen(port, "127.0.0.1"), 300);
    const started = Date.now();
    await waitUntilListening(`127.0.0.1:${port}`, { timeoutMs: 5000 });
    try {
      assert.ok(Date.now() - started >= 250, "it waited for the listener");
      assert.equal(isListening(port), true);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(connections, 0, "the wait made no connection");
    } finally {
      server.close();
    }
  });

  it("sees listeners on every address, IPv6 included", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "::", resolve));
    try {
      assert.equal(isListening((server.address() as net.AddressInfo).port), true);
    } finally {
      server.close();
    }
  });

  it("knows the ephemeral range", () => {
    const { low, high } = ephemeralPorts();
    assert.ok(low >= 1024 && low < high && high <= 65535, `${low}-${high}`);
  });

  it("gives up after its timeout, naming the address, and stops when aborted", async () => {
    const port = await freePort();
    await assert.rejects(waitUntilListening(`127.0.0.1:${port}`, { timeoutMs: 200 }), new RegExp(`nothing listens on 127\\.0\\.0\\.1:${port} after 200 ms`));
    await assert.rejects(waitUntilListening(`127.0.0.1:${port}`, { signal: AbortSignal.abort() }), { name: "AbortError" });
  });
});
