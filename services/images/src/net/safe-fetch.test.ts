// SafeFetch against a server on 127.0.0.1. No test here ever connects anywhere
// else, even if the guard were broken: private and link-local addresses are
// only ever named (as IP literals, injected DNS answers or redirect targets),
// and every test's `dial` hook fails the test before a socket could open to
// anything but the loopback fake.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type * as http from "node:http";
import { FakeHttpServer, solidJpeg } from "@lectra/fakes";
import { HttpStatusError, isTransient } from "@lectra/resilience";
import { solidPng } from "@lectra/testing";
import { describeStart, FetchTimeoutError, NotAPictureError, RefusedUrlError, SafeFetch, TooLargeError, type DialTarget, type SafeFetchOptions } from "./safe-fetch";

const PUBLIC = "93.184.216.34"; // stands for a public host in injected DNS answers; never dialled

let server: FakeHttpServer;
let base: string;
let port: number;
const hosts: string[] = [];
let streamClosedEarly = false;

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? "/", "http://x");
  hosts.push(String(req.headers.host));
  const at = url.pathname;
  if (at === "/json") return void res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  if (at === "/echo") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(req.headers));
  if (at === "/png-as-text") return void res.writeHead(200, { "content-type": "text/plain" }).end(solidPng(640, 480, [9, 9, 9]));
  if (at === "/jpeg") return void res.writeHead(200, { "content-type": "image/jpeg" }).end(solidJpeg(1024, 768));
  if (at === "/html-as-jpeg") return void res.writeHead(200, { "content-type": "image/jpeg" }).end("<!DOCTYPE html><p>Log in");
  if (at === "/to") return void res.writeHead(302, { location: url.searchParams.get("target")! }).end();
  const hop = /^\/hop\/(\d+)$/.exec(at); // relative Locations, as many servers send them
  if (hop) return void res.writeHead(302, { location: Number(hop[1]) > 1 ? `${Number(hop[1]) - 1}` : "/json" }).end();
  const status = /^\/status\/(\d+)$/.exec(at);
  if (status) return void res.writeHead(Number(status[1])).end("nope");
  if (at === "/big-declared") return void res.writeHead(200, { "content-length": "5000" }).end(Buffer.alloc(5000));
  if (at === "/big-streamed") {
    res.writeHead(200, { "content-type": "image/png" });
    res.on("close", () => (streamClosedEarly = !res.writableFinished));
    const pump = () => {
      while (!res.destroyed) if (!res.write(Buffer.alloc(1024, 1))) return void res.once("drain", pump);
    };
    return pump();
  }
  if (at === "/silent") return; // never answers
  if (at === "/stall-body") return void res.writeHead(200, { "content-length": "100" }).write("only the start");
  if (at === "/cut-body") {
    res.writeHead(200, { "content-length": "100" }).write("only the start");
    setTimeout(() => req.socket.destroy(), 20);
    return;
  }
  res.writeHead(404).end();
}

before(async () => {
  server = new FakeHttpServer((req, _body, res) => route(req, res));
  base = await server.start();
  port = Number(new URL(base).port);
});

after(() => server.stop());

/** Fails the test on any dial that is not the loopback fake; records the dials. */
function loopbackOnly(dialled: string[] = []) {
  return (target: DialTarget) => {
    dialled.push(target.address);
    assert.ok(target.address === "127.0.0.1" || target.address === PUBLIC, `tried to dial ${target.address}`);
    return "127.0.0.1"; // PUBLIC stands in for the fake
  };
}

const noDial = (target: DialTarget): string => assert.fail(`nothing may be dialled, but ${target.address} was`);

/** An injected DNS: fixed answers, failing the test for any other name. */
function dns(answers: Record<string, string[]>, asked: string[] = []) {
  return async (hostname: string) => {
    asked.push(hostname);
    const addresses = answers[hostname];
    if (!addresses) assert.fail(`unexpected lookup of ${hostname}`);
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

function fetcher(options: Partial<SafeFetchOptions> = {}): SafeFetch {
  return new SafeFetch({ timeoutMs: 5_000, maxBytes: 1_000_000, allowLoopback: true, userAgent: "LECTRA-test/1", dial: loopbackOnly(), ...options });
}

const refused = (pattern: RegExp) => (error: unknown) => error instanceof RefusedUrlError && pattern.test(error.message);

test("a GET reaches the loopback fake when loopback is allowed, with our User-Agent", async () => {
  const net = fetcher();
  const fetched = await net.get(`${base}/echo`, { accept: "application/json" });
  const headers = JSON.parse(fetched.body.toString()) as Record<string, string>;
  assert.equal(headers["user-agent"], "LECTRA-test/1");
  assert.equal(headers.accept, "application/json");
  assert.deepEqual(await net.json(`${base}/json`), { ok: true });
  net.close();
});

test("loopback is refused without the setting, however the URL spells it (real network path)", async () => {
  const before = server.requests.length;
  const net = new SafeFetch({ timeoutMs: 5_000, maxBytes: 1_000_000, allowLoopback: false, userAgent: "t" });
  for (const url of [`${base}/json`, `http://0x7f.1:${port}/json`, `http://2130706433:${port}/json`, `http://[::ffff:127.0.0.1]:${port}/json`, `http://[::1]:${port}/json`]) {
    await assert.rejects(net.get(url), refused(/loopback/), url);
  }
  assert.equal(server.requests.length, before, "the fake was never reached");
});

test("a host name that resolves to a private address is refused before any connection", async () => {
  const net = fetcher({ resolve: dns({ "pictures.example": ["10.0.0.7"] }), dial: noDial });
  await assert.rejects(net.picture("http://pictures.example/heart.jpg"), refused(/pictures\.example resolves to 10\.0\.0\.7 is a private address/));
});

test("a host with one private address among public ones is refused", async () => {
  const net = fetcher({ resolve: dns({ "pictures.example": [PUBLIC, "169.254.169.254"] }), dial: noDial });
  await assert.rejects(net.get("https://pictures.example/heart.jpg"), refused(/169\.254\.169\.254 is a link-local address/));
});

test("private IP literals are refused with no DNS lookup and no connection", async () => {
  const asked: string[] = [];
  const net = fetcher({ resolve: dns({}, asked), dial: noDial });
  for (const url of ["http://10.0.0.7/files/heart.jpg", "http://169.254.169.254/latest/meta-data/", "http://[fd00::7]/x", "http://[::ffff:a9fe:a9fe]/x", "http://192.168.1.1:8080/x", "http://0.0.0.0/x"]) {
    await assert.rejects(net.get(url), refused(/is refused/), url);
  }
  assert.deepEqual(asked, []);
});

test("a redirect to a private or link-local address is refused before it is followed; only the fake is dialled", async () => {
  const dialled: string[] = [];
  const asked: string[] = [];
  const net = fetcher({ dial: loopbackOnly(dialled), resolve: dns({ "inside.example": ["10.1.2.3"] }, asked) });
  const targets = ["http://10.0.0.7/latest/picture.jpg", "http://169.254.169.254/latest/meta-data/", "http://inside.example/picture.jpg", "http://[fe80::1]/x"];
  for (const target of targets) {
    await assert.rejects(net.picture(`${base}/to?target=${encodeURIComponent(target)}`), refused(/is refused/), target);
  }
  assert.deepEqual(dialled, new Array(targets.length).fill("127.0.0.1"));
  assert.deepEqual(asked, ["inside.example"]);
});

test("a redirect to loopback is refused when loopback is not allowed", async () => {
  // The first hop goes to a public-looking name, sent to the fake by the dial hook;
  // the fake then redirects to [::1], which must be refused, not dialled.
  const dialled: string[] = [];
  const net = fetcher({ allowLoopback: false, resolve: dns({ "api.example": [PUBLIC] }), dial: loopbackOnly(dialled) });
  for (const target of [`http://[::1]:${port}/json`, `http://127.0.0.1:${port}/json`]) {
    await assert.rejects(net.get(`http://api.example:${port}/to?target=${encodeURIComponent(target)}`), refused(/loopback/), target);
  }
  assert.deepEqual(dialled, [PUBLIC, PUBLIC]);
});

test("the socket goes to the vetted address while Host keeps the name, and every hop is looked up again", async () => {
  const asked: string[] = [];
  const net = fetcher({ allowLoopback: false, resolve: dns({ "api.example": [PUBLIC] }, asked) });
  hosts.length = 0;
  const fetched = await net.get(`http://api.example:${port}/hop/2`);
  assert.equal(fetched.url, `http://api.example:${port}/json`);
  assert.deepEqual(hosts, new Array(3).fill(`api.example:${port}`));
  assert.deepEqual(asked, ["api.example", "api.example", "api.example"]);
});

test("at most 3 redirects are followed", async () => {
  const net = fetcher();
  assert.deepEqual(JSON.parse((await net.get(`${base}/hop/3`)).body.toString()), { ok: true });
  await assert.rejects(net.get(`${base}/hop/4`), refused(/redirects more than 3 times/));
});

test("only http and https, in the first URL and in redirects", async () => {
  const net = fetcher({ dial: noDial });
  for (const url of ["file:///etc/passwd", "ftp://pictures.example/a.jpg", "data:image/png;base64,AAAA", "gopher://x/", "not a url"]) {
    await assert.rejects(net.get(url), refused(/not http or https|not a URL/), url);
  }
  await assert.rejects(fetcher().get(`${base}/to?target=${encodeURIComponent("file:///etc/passwd")}`), refused(/not http or https/));
});

test("a body over the byte cap is refused from its Content-Length, or stopped while it streams", async () => {
  const net = fetcher({ maxBytes: 4096 });
  await assert.rejects(net.get(`${base}/big-declared`), (e: unknown) => e instanceof TooLargeError && /5000 bytes; at most 4096/.test(e.message));
  streamClosedEarly = false;
  await assert.rejects(net.get(`${base}/big-streamed`), (e: unknown) => e instanceof TooLargeError && /more than 4096 bytes/.test(e.message));
  await new Promise((r) => setTimeout(r, 50));
  assert.ok(streamClosedEarly, "the endless body was cut off, not read to its end");
  assert.equal(isTransient(new TooLargeError("x")), false);
});

test("no answer, or a body that stalls, ends at the deadline with a retryable timeout", async () => {
  const net = fetcher({ timeoutMs: 300 });
  for (const path of ["/silent", "/stall-body"]) {
    await assert.rejects(net.get(`${base}${path}`), (e: unknown) => e instanceof FetchTimeoutError && isTransient(e) && /within 300 ms/.test(e.message), path);
  }
});

test("a connection cut inside the body is a retryable network error", async () => {
  await assert.rejects(fetcher().get(`${base}/cut-body`), (e: unknown) => isTransient(e));
});

test("HTTP errors carry their status: 5xx is retryable, 4xx is not", async () => {
  const net = fetcher();
  await assert.rejects(net.get(`${base}/status/503`), (e: unknown) => e instanceof HttpStatusError && e.status === 503 && isTransient(e));
  await assert.rejects(net.get(`${base}/status/404`), (e: unknown) => e instanceof HttpStatusError && e.status === 404 && !isTransient(e));
});

test("the caller's cancellation ends the request with the caller's reason", async () => {
  const controller = new AbortController();
  const pending = fetcher().get(`${base}/silent`, { signal: controller.signal });
  setTimeout(() => controller.abort(new DOMException("the caller cancelled", "AbortError")), 50);
  await assert.rejects(pending, { name: "AbortError", message: "the caller cancelled" });
});

test("pictures are judged by their bytes, not their Content-Type", async () => {
  const net = fetcher();
  const png = await net.picture(`${base}/png-as-text`);
  assert.deepEqual({ ...png, data: undefined }, { mediaType: "image/png", width: 640, height: 480, url: `${base}/png-as-text`, data: undefined });
  const jpeg = await net.picture(`${base}/jpeg`);
  assert.deepEqual([jpeg.mediaType, jpeg.width, jpeg.height], ["image/jpeg", 1024, 768]);
  await assert.rejects(
    net.picture(`${base}/html-as-jpeg`),
    (e: unknown) => e instanceof NotAPictureError && /not a PNG or JPEG \(image\/jpeg, starts "<!DOCTYPE.*\): it is neither a PNG nor a JPEG/.test(e.message),
  );
});

test("describeStart shows the first bytes printable", () => {
  assert.equal(describeStart(Buffer.from("<!DOCTYPE html><html>")), '"<!DOCTYPE html><"');
  assert.equal(describeStart(solidPng(1, 1, [0, 0, 0])), '".PNG........IHDR"');
});
