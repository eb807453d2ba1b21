// Every HTTP request this service makes (API searches and picture downloads)
// goes through SafeFetch, because the URLs come from strangers. Per request:
//   - http and https only;
//   - the host is resolved and EVERY address is vetted (./address); then the
//     socket goes to that vetted address itself, with the Host header and TLS
//     server name kept, so a second DNS answer cannot rebind the host to an
//     internal address between the check and the connection;
//   - redirects are followed by hand, at most `maxRedirects`, each hop vetted
//     the same way;
//   - one deadline for the whole request, hops and body included, combined
//     with the caller's signal;
//   - the body is counted while it streams and dropped past `maxBytes`.
// `picture` adds content sniffing: only real PNG and JPEG bytes with a size
// pass, whatever the Content-Type says (hosts label error pages image/jpeg), and
// the Picture's width and height are the pixels the deck will get, not what a
// search API claimed.
import { lookup } from "node:dns/promises";
import * as http from "node:http";
import * as https from "node:https";
import { isIP } from "node:net";
import { readPicture, type PictureFormat } from "@lectra/pictures";
import { HttpStatusError } from "@lectra/resilience";
import { refusal } from "./address";

export const DEFAULT_MAX_REDIRECTS = 3;

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Where a request is about to connect, after vetting. */
export interface DialTarget {
  /** The vetted address. */
  address: string;
  port: number;
  /** The URL's host name, sent as Host and TLS server name. */
  hostname: string;
}

export interface SafeFetchOptions {
  /** Deadline for one request, redirects and body included. */
  timeoutMs: number;
  /** The most bytes a body may have. */
  maxBytes: number;
  /** Let requests reach loopback addresses (tests' fake servers); never set in production. */
  allowLoopback: boolean;
  userAgent: string;
  maxRedirects?: number;
  /** Resolves a host name to all its addresses; dns.lookup by default. Tests inject fixed answers. */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /**
   * Sees each vetted target right before the socket opens and returns the address
   * to dial: the target's own in production. Tests use it to prove what would be
   * dialled, and to send a vetted public address to their loopback fake.
   */
  dial?: (target: DialTarget) => string;
}

/** A URL, or an address it leads to, that this service must not fetch. Never worth a retry. */
export class RefusedUrlError extends Error {
  override name = "RefusedUrlError";
}

/** A body larger than the cap. */
export class TooLargeError extends Error {
  override name = "TooLargeError";
}

/** A download that is not a PNG or JPEG, whatever its Content-Type said. */
export class NotAPictureError extends Error {
  override name = "NotAPictureError";
}

/** Our own deadline passed. The name makes isTransient (@lectra/resilience) count it as a network failure. */
export class FetchTimeoutError extends Error {
  override name = "TimeoutError";
}

export interface Fetched {
  /** The last URL, after redirects. */
  url: string;
  contentType: string;
  body: Buffer;
}

export interface DownloadedPicture extends PictureFormat {
  url: string;
  data: Buffer;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The first bytes, printable, for an error message about a body that is not what was asked for. */
export function describeStart(data: Buffer): string {
  const start = data.subarray(0, 16).toString("latin1");
  return JSON.stringify(start.replace(/[^\x20-\x7e]/g, "."));
}

async function systemResolve(hostname: string): Promise<ResolvedAddress[]> {
  return lookup(hostname, { all: true, verbatim: true });
}

/** Resolves unless `signal` aborts first (dns.lookup itself cannot be cancelled). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export class SafeFetch {
  private readonly resolve: (hostname: string) => Promise<ResolvedAddress[]>;
  private readonly maxRedirects: number;
  // Keep-alive pools: a search API and its file host answer many requests per lecture.
  // Pooled sockets were all opened to vetted addresses.
  private readonly agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };

  constructor(readonly options: SafeFetchOptions) {
    this.resolve = options.resolve ?? systemResolve;
    this.maxRedirects = options.maxRedirects ?? DEFAULT_MAX_REDIRECTS;
  }

  /** GETs `url` and returns the body; refuses, times out or throws HttpStatusError as described above. */
  async get(url: string, { signal, accept = "*/*" }: { signal?: AbortSignal; accept?: string } = {}): Promise<Fetched> {
    const deadline = AbortSignal.timeout(this.options.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    try {
      return await this.follow(url, accept, combined);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (deadline.aborted) throw new FetchTimeoutError(`GET ${url} got no complete answer within ${this.options.timeoutMs} ms`);
      throw error;
    }
  }

  async json(url: string, signal?: AbortSignal): Promise<unknown> {
    const { body, contentType } = await this.get(url, { signal, accept: "application/json" });
    try {
      return JSON.parse(body.toString("utf8"));
    } catch {
      throw new Error(`${url} answered ${contentType || "no content type"}, not JSON: ${describeStart(body)}`);
    }
  }

  /** Downloads a picture: the bytes must be a PNG or JPEG with a size. */
  async picture(url: string, signal?: AbortSignal): Promise<DownloadedPicture> {
    const fetched = await this.get(url, { signal, accept: "image/png,image/jpeg;q=0.9" });
    const format = readPicture(fetched.body);
    if ("problem" in format) {
      const got = `${fetched.contentType || "no content type"}, starts ${describeStart(fetched.body)}`;
      throw new NotAPictureError(`${fetched.url} is not a PNG or JPEG (${got}): it ${format.problem}`);
    }
    return { ...format, url: fetched.url, data: fetched.body };
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async follow(first: string, accept: string, signal: AbortSignal): Promise<Fetched> {
    let url = this.parse(first);
    for (let redirects = 0; ; redirects++) {
      const target = await this.vet(url, signal);
      const res = await this.request(url, target, accept, signal);
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.resume(); // the redirect's own body is not needed
        const location = res.headers.location;
        if (!location) throw new Error(`${url.href} answered HTTP ${status} with no Location`);
        if (redirects >= this.maxRedirects) throw new RefusedUrlError(`${first} redirects more than ${this.maxRedirects} times`);
        url = this.parse(location, url);
        continue;
      }
      if (status < 200 || status > 299) {
        res.resume();
        throw new HttpStatusError(status, url.href);
      }
      return { url: url.href, contentType: String(res.headers["content-type"] ?? ""), body: await this.readBody(res, url.href) };
    }
  }

  private parse(text: string, base?: URL): URL {
    let url: URL;
    try {
      url = new URL(text, base);
    } catch {
      throw new RefusedUrlError(`${JSON.stringify(text)} is not a URL`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new RefusedUrlError(`${url.href} is not http or https`);
    }
    return url;
  }

  /** Resolves the URL's host and checks every address; the first one is where the socket goes. */
  private async vet(url: URL, signal: AbortSignal): Promise<DialTarget> {
    // WHATWG URL parsing already turned "0x7f.1" and the like into dotted IPv4, and wraps IPv6 in [].
    const hostname = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const addresses = isIP(hostname) ? [{ address: hostname, family: isIP(hostname) }] : await raceAbort(this.resolve(hostname), signal);
    if (addresses.length === 0) throw Object.assign(new Error(`${hostname} has no addresses`), { code: "ENOTFOUND" });
    for (const { address } of addresses) {
      const why = refusal(address, this.options.allowLoopback);
      if (why) throw new RefusedUrlError(`${url.href} is refused: ${hostname === address ? "" : `${hostname} resolves to `}${why}`);
    }
    const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
    return { address: addresses[0]!.address, port, hostname };
  }

  private request(url: URL, target: DialTarget, accept: string, signal: AbortSignal): Promise<http.IncomingMessage> {
    const address = this.options.dial ? this.options.dial(target) : target.address;
    const secure = url.protocol === "https:";
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(
        {
          host: address, // the vetted address itself: no second DNS lookup
          port: target.port,
          path: url.pathname + url.search,
          method: "GET",
          headers: { host: url.host, "user-agent": this.options.userAgent, accept, "accept-encoding": "identity" },
          // The certificate is checked against the name, not the address; SNI cannot carry an IP.
          ...(secure && !isIP(target.hostname) ? { servername: target.hostname } : {}),
          agent: secure ? this.agents.https : this.agents.http,
          signal,
        },
        resolve,
      );
      req.on("error", reject);
      req.end();
    });
  }

  private async readBody(res: http.IncomingMessage, url: string): Promise<Buffer> {
    const max = this.options.maxBytes;
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > max) {
      res.destroy();
      throw new TooLargeError(`${url} is ${declared} bytes; at most ${max} are allowed`);
    }
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        res.destroy();
        throw new TooLargeError(`${url} is more than ${max} bytes; the download was stopped`);
      }
      parts.push(chunk);
    }
    if (!res.complete) throw Object.assign(new Error(`${url}: the connection closed before the body ended`), { code: "ECONNRESET" });
    return Buffer.concat(parts);
  }
}
