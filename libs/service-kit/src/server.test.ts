// runService over real gRPC, in this process, with a stand-in service whose
// messages are raw bytes: what a caller of the public API sees (tokens, the
// request size limit, health open to probes), reflection following
// LECTRA_REFLECTION, and start-up riding out a port that is briefly in use.
import { after, before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as net from "node:net";
import * as grpc from "@grpc/grpc-js";
import { trace } from "@opentelemetry/api";
import { checkHealth, clientConnection } from "@lectra/clients";
import { createLogger } from "./log";
import { runService, type RunningService, type ServiceBinding } from "./server";
import { DEFAULT_MAX_REQUEST_BYTES } from "./public-api";

const TOKEN = "test-token-0123456789abcdef";
const raw = (b: Buffer) => b;
/** test.v1.Echo/Echo answers the length of what it was sent. */
const ECHO: ServiceBinding = {
  name: "test.v1.Echo",
  definition: {
    echo: { path: "/test.v1.Echo/Echo", requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
  },
  implementation: {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => callback(null, Buffer.from(String(call.request.length))),
  },
};
const telemetry = { serviceName: "test", tracer: trace.getTracer("test"), endpoint: undefined, shutdown: async () => {} };
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

function start(env: NodeJS.ProcessEnv, extra: { publicApi?: boolean; address?: string; log?: ReturnType<typeof createLogger> } = {}): Promise<RunningService> {
  return runService({ name: "test", address: extra.address ?? "127.0.0.1:0", services: [ECHO], telemetry, log: extra.log ?? quiet, noSignals: true, env, publicApi: extra.publicApi });
}

/** Calls Echo as the public API's clients do: the token from `env` (LECTRA_API_TOKEN). */
function echo(address: string, bytes: number, env: NodeJS.ProcessEnv = {}): Promise<{ code: grpc.status; details: string }> {
  const { credentials, options } = clientConnection("orchestrator", env);
  const client = new grpc.Client(address, credentials, options);
  return new Promise((resolve) => {
    client.makeUnaryRequest("/test.v1.Echo/Echo", raw, raw, Buffer.alloc(bytes, 0x61), { deadline: Date.now() + 10_000 }, (error, answer) => {
      client.close();
      resolve(error ? { code: error.code, details: error.details } : { code: grpc.status.OK, details: answer!.toString() });
    });
  });
}

/** The services reflection lists, or the status that refused the question. */
function reflectedServices(address: string): Promise<string[] | grpc.status> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    const call = client.makeBidiStreamRequest("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", raw, raw);
    // ServerReflectionRequest { list_services = 7: "" }
    call.write(Buffer.from([0x3a, 0x00]));
    call.on("data", (answer: Buffer) => {
      // The answer's service names are printable runs in its bytes.
      resolve(answer.toString("latin1").match(/[a-zA-Z][\w.]+\.[A-Z]\w+/g) ?? []);
      call.end();
      client.close();
    });
    call.on("error", (e: grpc.ServiceError) => {
      resolve(e.code);
      client.close();
    });
  });
}

describe("the public API's server", () => {
  let service: RunningService;
  before(async () => {
    service = await start({ LECTRA_API_TOKENS: TOKEN }, { publicApi: true });
  });
  after(() => service?.stop());

  it("refuses a call without a token, or with a wrong one, with UNAUTHENTICATED saying how to pass one", async () => {
    const none = await echo(service.address, 10);
    assert.equal(none.code, grpc.status.UNAUTHENTICATED, none.details);
    assert.match(none.details, /authorization: Bearer <token>.*lectra --token/);
    const wrong = await echo(service.address, 10, { LECTRA_API_TOKEN: "x".repeat(26) });
    assert.equal(wrong.code, grpc.status.UNAUTHENTICATED);
    assert.match(wrong.details, /not one this orchestrator accepts/);
  });

  it("answers a call with the right token", async () => {
    assert.deepEqual(await echo(service.address, 10, { LECTRA_API_TOKEN: TOKEN }), { code: grpc.status.OK, details: "10" });
  });

  it("keeps health open to probes, which carry no token", async () => {
    assert.equal(await checkHealth(service.address, 2000, {}), "SERVING");
  });

  it("takes a request of LECTRA_MAX_REQUEST_BYTES and refuses a larger one with RESOURCE_EXHAUSTED", async () => {
    const atLimit = DEFAULT_MAX_REQUEST_BYTES;
    assert.deepEqual(await echo(service.address, atLimit, { LECTRA_API_TOKEN: TOKEN }), { code: grpc.status.OK, details: String(atLimit) });
    const over = await echo(service.address, atLimit + 1, { LECTRA_API_TOKEN: TOKEN });
    assert.equal(over.code, grpc.status.RESOURCE_EXHAUSTED, over.details);
  });

  it("leaves services that are not the public API without a request limit of their own", async () => {
    const inner = await start({ LECTRA_API_TOKENS: TOKEN });
    try {
      const big = 4 * DEFAULT_MAX_REQUEST_BYTES;
      assert.deepEqual(await echo(inner.address, big), { code: grpc.status.OK, details: String(big) }, "and no token asked either");
    } finally {
      await inner.stop();
    }
  });
});

describe("LECTRA_REFLECTION", () => {
  it("on by default: reflection lists the services; off: UNIMPLEMENTED", async () => {
    const on = await start({});
    const off = await start({ LECTRA_REFLECTION: "off" });
    try {
      const listed = await reflectedServices(on.address);
      assert.ok(Array.isArray(listed) && listed.includes("grpc.health.v1.Health"), `listed: ${listed}`);
      assert.equal(await reflectedServices(off.address), grpc.status.UNIMPLEMENTED);
    } finally {
      await Promise.all([on.stop(), off.stop()]);
    }
  });

  it("refuses a value it does not know", async () => {
    await assert.rejects(start({ LECTRA_REFLECTION: "maybe" }), /LECTRA_REFLECTION=maybe: expected on or off/);
  });
});

describe("start-up on a port that is in use", () => {
  it("binds once a server that held the port lets go, and logs that it waited", async () => {
    // A server that is stopping; tests/e2e/src/faults-ports.test.ts holds a port with a real self-connect.
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as net.AddressInfo;
    setTimeout(() => holder.close(), 700);
    const warnings: string[] = [];
    const log = { ...createLogger("test"), warn: (m: string) => void warnings.push(m), info() {} };
    const started = Date.now();
    const service = await start({}, { address: `127.0.0.1:${port}`, log });
    try {
      assert.ok(Date.now() - started >= 600, "it waited for the port");
      assert.equal(await checkHealth(service.address, 2000, {}), "SERVING");
      assert.match(warnings[0] ?? "", new RegExp(`127\\.0\\.0\\.1:${port} is in use by another server; trying again for a few seconds`));
    } finally {
      await service.stop();
    }
  });

  it("gives up on a port another server keeps, in seconds, saying what to do", async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const { port } = holder.address() as net.AddressInfo;
    const started = Date.now();
    try {
      await assert.rejects(
        start({}, { address: `127.0.0.1:${port}` }),
        new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is still in use after \\d+ ms; another server listens on it .*Stop it, or set its address to a free port`),
      );
      assert.ok(Date.now() - started < 6000, "within seconds");
    } finally {
      holder.close();
    }
  });
});
