// A fake Wikimedia Commons: the MediaWiki Action API's file search
// (action=query&generator=search&prop=imageinfo, formatversion=2) and the picture
// files themselves (what upload.wikimedia.org serves). The picture host part is
// shared with the fake Openverse (./openverse), since both APIs answer with URLs
// of files that LECTRA then downloads; every bad file a real host can serve has a
// kind here, so the images service's download guard can be tested end to end.
import type * as http from "node:http";
import { solidPng } from "@lectra/testing";
import { delay, FakeHttpServer, sendJson } from "./http";

/** What a picture's URL leads to. */
export type FakeFileKind =
  /** A real JPEG of the listed size (grey, baseline). */
  | "jpeg"
  /** A real PNG of the listed size. */
  | "png"
  /** A PNG header followed by `oversizeBytes` of filler, streamed with no Content-Length. */
  | "oversized"
  /** An HTML page served as image/jpeg, as a host's error page often is. */
  | "html"
  /** Two redirects (302, 302), then the JPEG. */
  | "redirect-chain"
  /** Five redirects: more than a careful client follows. */
  | "long-redirect-chain"
  /** A 302 to `privateRedirectTarget` (a private address by default). */
  | "private-redirect"
  /** Listed by the API at http://10.0.0.7/... (`privateHost`), a private IP literal. */
  | "private-literal"
  /** 404. */
  | "missing";

export interface FakePicture {
  /** The file name, e.g. "Human heart diagram.jpg" (Commons shows it as "File:Human heart diagram.jpg"). */
  name: string;
  kind: FakeFileKind;
  /** The original's size, as the API reports it. */
  width: number;
  height: number;
  /** The creator's plain name. */
  author: string;
  /** Commons' Artist field is HTML; when unset, a user-page link around `author`. */
  artistHtml?: string;
  /** Openverse licence code ("by", "by-sa", "cc0", "pdm", "by-nc", ...) and version. */
  license: string;
  licenseVersion: string;
  /** The MIME type the API reports; by default from the kind (jpeg, or png for "png"). */
  mime?: string;
  /** Extra words a search matches besides the name (Openverse tags). */
  tags?: string[];
}

/** A good JPEG by a named author under CC BY-SA 4.0, 2400×1600, unless `more` says otherwise. */
export function fakePicture(name: string, kind: FakeFileKind, more: Partial<FakePicture> = {}): FakePicture {
  return { name, kind, width: 2400, height: 1600, author: "Jane Doe", license: "by-sa", licenseVersion: "4.0", ...more };
}

/** What a request was for, handed to a latency function. */
export interface PictureRequest {
  kind: "search" | "file";
  path: string;
}

/** A fixed delay in ms before each answer, or one per request (the benchmark replays measured latencies). */
export type PictureLatency = number | ((request: PictureRequest) => number);

export interface RecordedPictureRequest extends PictureRequest {
  userAgent: string;
}

/** A licence as Commons' LicenseShortName shows it. */
export function licenseShortName(code: string, version: string): string {
  if (code === "cc0") return "CC0";
  if (code === "pdm") return "Public domain";
  return `CC ${code.toUpperCase()} ${version}`;
}

// ---------------------------------------------------------------------------
// A real, small JPEG of any size: one grey level, baseline, greyscale. Every
// 8×8 block has the same DC value and no AC energy, so with a quantiser of 1
// and two tiny Huffman tables the scan is one coded DC difference, then "00"
// (DC difference 0, end of block) per block: a 1280×853 picture is ~4 KB.

function segment(marker: number, body: number[]): Buffer {
  const length = body.length + 2;
  return Buffer.from([0xff, marker, length >> 8, length & 0xff, ...body]);
}

/** A greyscale baseline JPEG, `level` 0..255 everywhere. */
export function solidJpeg(width: number, height: number, level = 160): Buffer {
  const dc = 8 * (level - 128); // the DCT's DC term for a flat 8×8 block, quantiser 1
  const category = dc === 0 ? 0 : Math.floor(Math.log2(Math.abs(dc))) + 1;
  // DC table: category 0 → "0", the first block's category → "10". AC table: end of block → "0".
  const dcSymbols = category === 0 ? [0] : [0, category];
  const dcCounts = [1, dcSymbols.length - 1, ...new Array(14).fill(0)];
  const acCounts = [1, ...new Array(15).fill(0)];

  const bytes: number[] = [];
  let acc = 0;
  let bits = 0;
  const put = (value: number, count: number) => {
    for (let i = count - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1);
      if (++bits === 8) {
        bytes.push(acc);
        if (acc === 0xff) bytes.push(0x00); // byte stuffing
        acc = 0;
        bits = 0;
      }
    }
  };
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  for (let b = 0; b < blocks; b++) {
    if (b === 0 && category > 0) {
      put(0b10, 2);
      put(dc > 0 ? dc : dc + (1 << category) - 1, category); // negative values are stored in ones' complement
    } else {
      put(0, 1);
    }
    put(0, 1); // end of block
  }
  if (bits > 0) put(0xff, 8 - bits); // pad the last byte with ones

  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // JFIF
    segment(0xdb, [0x00, ...new Array(64).fill(1)]), // quantisation table 0: all ones
    segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]), // SOF0
    segment(0xc4, [0x00, ...dcCounts, ...dcSymbols]),
    segment(0xc4, [0x10, ...acCounts, 0x00]),
    segment(0xda, [1, 1, 0x00, 0, 63, 0]), // SOS
    Buffer.from(bytes),
    Buffer.from([0xff, 0xd9]),
  ]);
}

// ---------------------------------------------------------------------------

/**
 * The part both fakes share: a loopback server that answers searches (each fake
 * its own way) and serves the listed pictures' files, with knobs for latency and
 * failures and a record of every request.
 *
 * File routes: /files/<id>/<name> (the original), /files/<id>/<w>px-<name> (a
 * thumbnail <w> wide), /hop/<n>/<id>/<file> (n redirects to go), /escape/<id>/<file>
 * (a redirect to `privateRedirectTarget`).
 */
export abstract class FakePictureApi {
  /** The pictures every search looks through, in rank order. */
  pictures: FakePicture[];
  latency: PictureLatency;
  /**
   * Where "private-redirect" files send the client, and the host:port "private-literal"
   * URLs name. A client whose guard failed would connect there, so a test that cannot
   * stop the dial itself (a service process) should use a harmless refused address:
   * `http://0.0.0.0:<this fake's port>/...` is "unspecified", refused always, and on
   * Linux reaches only this machine.
   */
  privateRedirectTarget = "http://10.0.0.7/latest/picture.jpg";
  privateHost = "10.0.0.7";
  /** How many filler bytes an "oversized" file streams. */
  oversizeBytes = 9 * 1024 * 1024;
  readonly requests: RecordedPictureRequest[] = [];
  private readonly server = new FakeHttpServer((req, _body, res) => this.route(req, res));
  private failures: Array<number | "close"> = [];

  constructor(options: { pictures?: FakePicture[]; latency?: PictureLatency } = {}) {
    this.pictures = options.pictures ?? defaultFakePictures();
    this.latency = options.latency ?? 0;
  }

  start(): Promise<string> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** The most requests (searches and downloads) it was answering at once. */
  get maxInFlight(): number {
    return this.server.maxInFlight;
  }

  get url(): string {
    return this.server.url;
  }

  /** The next `count` searches fail: with that HTTP status, or by closing the connection unanswered. */
  failNext(count: number, status: number | "close" = 500): void {
    this.failures.push(...new Array<number | "close">(count).fill(status));
  }

  get searches(): RecordedPictureRequest[] {
    return this.requests.filter((r) => r.kind === "search");
  }

  get fileRequests(): RecordedPictureRequest[] {
    return this.requests.filter((r) => r.kind === "file");
  }

  /** Pictures that a search for `text` finds: any word of 3+ letters in the name or tags. */
  protected matching(text: string): Array<{ picture: FakePicture; id: number }> {
    const words = text.toLowerCase().split(/[^\p{L}\p{N}:]+/u).filter((w) => w.length >= 3 && !w.includes(":"));
    return this.pictures
      .map((picture, id) => ({ picture, id }))
      .filter(({ picture }) => {
        const haystack = [picture.name, ...(picture.tags ?? [])].join(" ").toLowerCase();
        return words.some((w) => haystack.includes(w));
      });
  }

  /** The URL a client downloads `picture` from; `width` asks for a thumbnail that wide. */
  protected fileUrl(id: number, width?: number): string {
    const picture = this.pictures[id]!;
    const file = encodeURIComponent((width ? `${width}px-` : "") + picture.name.replace(/ /g, "_"));
    switch (picture.kind) {
      case "redirect-chain":
        return `${this.url}/hop/2/${id}/${file}`;
      case "long-redirect-chain":
        return `${this.url}/hop/5/${id}/${file}`;
      case "private-redirect":
        return `${this.url}/escape/${id}/${file}`;
      case "private-literal":
        return `http://${this.privateHost}/files/${id}/${file}`;
      default:
        return `${this.url}/files/${id}/${file}`;
    }
  }

  protected mimeOf(picture: FakePicture): string {
    return picture.mime ?? (picture.kind === "png" || picture.kind === "oversized" ? "image/png" : "image/jpeg");
  }

  /** Answers one search; `url` is the request's URL, parsed. */
  protected abstract search(url: URL, res: http.ServerResponse): void;

  protected abstract isSearch(path: string): boolean;

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const kind = this.isSearch(url.pathname) ? "search" : "file";
    this.requests.push({ kind, path: url.pathname + url.search, userAgent: String(req.headers["user-agent"] ?? "") });
    await delay(typeof this.latency === "function" ? this.latency({ kind, path: url.pathname + url.search }) : this.latency);
    if (kind === "search") {
      const failure = this.failures.shift();
      if (failure === "close") return void req.socket.destroy();
      if (failure !== undefined) return sendJson(res, failure, { error: `fake failure (HTTP ${failure})` });
      return this.search(url, res);
    }
    this.serveFile(url.pathname, res);
  }

  private serveFile(path: string, res: http.ServerResponse): void {
    const hop = /^\/hop\/(\d+)\/(\d+)\/([^/]+)$/.exec(path);
    if (hop) {
      const left = Number(hop[1]);
      const next = left > 1 ? `/hop/${left - 1}/${hop[2]}/${hop[3]}` : `/files/${hop[2]}/${hop[3]}`;
      res.writeHead(302, { location: next }).end();
      return;
    }
    if (/^\/escape\/\d+\/[^/]+$/.test(path)) {
      res.writeHead(302, { location: this.privateRedirectTarget }).end();
      return;
    }
    const file = /^\/files\/(\d+)\/(?:(\d+)px-)?[^/]+$/.exec(path);
    const picture = file ? this.pictures[Number(file[1])] : undefined;
    if (!file || !picture || picture.kind === "missing") {
      res.writeHead(404, { "content-type": "text/html" }).end("<!DOCTYPE html><title>404 Not Found</title>");
      return;
    }
    const width = file[2] ? Math.min(Number(file[2]), picture.width) : picture.width;
    const height = Math.max(1, Math.round((picture.height * width) / picture.width));
    switch (picture.kind) {
      case "png":
        res.writeHead(200, { "content-type": "image/png" }).end(solidPng(width, height, [0x3a, 0x6e, 0xa5]));
        return;
      case "html":
        res.writeHead(200, { "content-type": "image/jpeg" }).end("<!DOCTYPE html><html><body>Please log in</body></html>");
        return;
      case "oversized":
        this.streamOversized(res);
        return;
      default:
        res.writeHead(200, { "content-type": "image/jpeg" }).end(solidJpeg(width, height));
    }
  }

  /** A PNG header, then filler in 64 KiB chunks with backpressure, until `oversizeBytes` or the client hangs up. */
  private streamOversized(res: http.ServerResponse): void {
    res.writeHead(200, { "content-type": "image/png" }); // no Content-Length: the client must count
    let sent = 0;
    const header = solidPng(4000, 3000, [0, 0, 0]).subarray(0, 33);
    const filler = Buffer.alloc(64 * 1024, 0x55);
    const pump = () => {
      while (!res.destroyed && sent < this.oversizeBytes) {
        const chunk = sent === 0 ? header : filler;
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }
}

/** A few pictures about the heart, of every useful kind, so a fake works without setup. */
export function defaultFakePictures(): FakePicture[] {
  const author = "Jane Doe";
  return [
    { name: "Human heart diagram.jpg", kind: "jpeg", width: 2400, height: 1600, author, license: "by-sa", licenseVersion: "4.0", tags: ["anatomy"] },
    { name: "Heart anatomy drawing.png", kind: "png", width: 1600, height: 1200, author: "John Roe", license: "cc0", licenseVersion: "1.0" },
    { name: "Heart valves animation.gif", kind: "jpeg", mime: "image/gif", width: 800, height: 600, author, license: "by", licenseVersion: "4.0" },
    { name: "Heart scan.jpg", kind: "html", width: 1200, height: 900, author, license: "by", licenseVersion: "4.0" },
  ];
}

/**
 * Fake Commons API at `<url>/w/api.php`, answering like commons.wikimedia.org:
 * formatversion=2 pages ordered by page id (the search rank is each page's
 * `index`), imageinfo with thumburl/thumbwidth when iiurlwidth is asked, and
 * extmetadata with HTML Artist and LicenseShortName. No match: no `query` key.
 */
export class FakeCommons extends FakePictureApi {
  /** The API base URL to configure a client with. */
  get apiUrl(): string {
    return `${this.url}/w/api.php`;
  }

  protected isSearch(path: string): boolean {
    return path === "/w/api.php";
  }

  protected search(url: URL, res: http.ServerResponse): void {
    const q = url.searchParams;
    if (q.get("action") !== "query" || q.get("generator") !== "search") {
      return sendJson(res, 200, { error: { code: "badvalue", info: "This fake only answers action=query&generator=search." } });
    }
    const limit = Number(q.get("gsrlimit") ?? 10);
    const thumbWidth = Number(q.get("iiurlwidth") ?? 0);
    const found = this.matching(q.get("gsrsearch") ?? "").slice(0, limit);
    if (found.length === 0) return sendJson(res, 200, { batchcomplete: true });
    const pages = found.map(({ picture, id }, rank) => {
      const file = picture.name.replace(/ /g, "_");
      const thumb = thumbWidth > 0 && thumbWidth < picture.width ? thumbWidth : 0;
      const descriptionurl = `https://commons.wikimedia.org/wiki/File:${encodeURIComponent(file)}`;
      const artist = picture.artistHtml ?? `<a href="//commons.wikimedia.org/wiki/User:${picture.author}" title="User:${picture.author}">${picture.author}</a>`;
      return {
        pageid: 90_000 - id * 1000, // page ids do not follow the search rank, as on Commons
        ns: 6,
        title: `File:${picture.name}`,
        index: rank + 1,
        imagerepository: "local",
        imageinfo: [
          {
            size: picture.width * picture.height,
            width: picture.width,
            height: picture.height,
            ...(thumbWidth > 0
              ? {
                  thumburl: thumb ? this.fileUrl(id, thumb) : this.fileUrl(id),
                  thumbwidth: thumb || picture.width,
                  thumbheight: thumb ? Math.round((picture.height * thumb) / picture.width) : picture.height,
                }
              : {}),
            url: this.fileUrl(id),
            descriptionurl,
            descriptionshorturl: `https://commons.wikimedia.org/w/index.php?curid=${90_000 - id * 1000}`,
            mime: this.mimeOf(picture),
            extmetadata: {
              DateTime: { value: "2021-03-04 05:06:07", source: "mediawiki-metadata", hidden: "" },
              ObjectName: { value: picture.name.replace(/\.[a-z]+$/i, ""), source: "mediawiki-metadata", hidden: "" },
              Artist: { value: artist, source: "commons-desc-page" },
              LicenseShortName: { value: licenseShortName(picture.license, picture.licenseVersion), source: "commons-desc-page", hidden: "" },
              UsageTerms: { value: "Creative Commons Attribution-Share Alike 4.0", source: "commons-desc-page", hidden: "" },
              Copyrighted: { value: "True", source: "commons-desc-page", hidden: "" },
            },
          },
        ],
      };
    });
    pages.sort((a, b) => a.pageid - b.pageid);
    sendJson(res, 200, {
      batchcomplete: true,
      ...(found.length === limit ? { continue: { gsroffset: limit, continue: "gsroffset||" } } : {}),
      query: { pages },
    });
  }
}
