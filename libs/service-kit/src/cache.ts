// A content-addressed cache of results on disk, so generating a lecture again
// after editing one slide redoes only that slide's work. Each service keys its
// entries by every input that changes its result (engine, model, voice, text,
// prosody, layout version…), hashed; the entry is the encoded response.
//
// Bounded in size: past LECTRA_CACHE_MAX_MB the least recently used entries go
// first. A caller can bypass it for one call (gRPC metadata `lectra-cache:
// bypass`, set when a job asks for no cache); a hit is reported back in the
// response metadata (`lectra-cache: hit`) and as the span attribute
// `lectra.cache.hit`. The metadata names are the clients' (@lectra/clients).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { Metadata } from "@grpc/grpc-js";
import { trace } from "@opentelemetry/api";
import { CACHE_BYPASS, CACHE_HEADER, CACHE_HIT, envInt, envString } from "@lectra/clients";
import type { Logger } from "./log";

export const ATTR_CACHE_HIT = "lectra.cache.hit";

interface Entry {
  size: number;
  usedAt: number;
}

export class ResultCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(
    readonly dir: string,
    readonly maxBytes: number,
    private readonly log?: Logger,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(dir)) {
      if (!/^[0-9a-f]{64}$/.test(name)) continue;
      const stat = fs.statSync(path.join(dir, name));
      this.entries.set(name, { size: stat.size, usedAt: stat.mtimeMs });
      this.total += stat.size;
    }
  }

  /** The service's cache from LECTRA_CACHE_DIR (default <LECTRA_DATA_DIR>/cache) and LECTRA_CACHE_MAX_MB (default 2048; 0 turns it off). */
  static fromEnv(service: string, log?: Logger): ResultCache | undefined {
    const maxMb = envInt("LECTRA_CACHE_MAX_MB", 2048, { min: 0 });
    if (maxMb === 0) return undefined;
    const dir = path.resolve(envString("LECTRA_CACHE_DIR", path.join(envString("LECTRA_DATA_DIR", "data"), "cache")), service);
    const cache = new ResultCache(dir, maxMb * 1024 * 1024, log);
    log?.info(`result cache in ${dir}`, { entries: cache.entries.size, megabytes: Math.round(cache.total / 1048576), maxMb });
    return cache;
  }

  /** A key from everything that determines a result; strings, numbers and bytes, in order. */
  static key(...parts: Array<string | number | boolean | Uint8Array | undefined>): string {
    const hash = createHash("sha256");
    for (const part of parts) {
      // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
      const bytes = part instanceof Uint8Array ? part : Buffer.from(JSON.stringify(part ?? null));
      hash.update(`${bytes.length}:`);
      hash.update(bytes);
    }
    return hash.digest("hex");
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.total };
  }

  async get(key: string): Promise<Buffer | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const file = path.join(this.dir, key);
    try {
      const data = await fsp.readFile(file);
      entry.usedAt = Date.now();
      // The file's mtime is its last use, so the order survives a restart.
      void fsp.utimes(file, new Date(), new Date()).catch(() => undefined);
      return data;
    } catch {
      this.forget(key);
      return undefined;
    }
  }

  async put(key: string, data: Uint8Array): Promise<void> {
    if (data.length > this.maxBytes) return;
    const file = path.join(this.dir, key);
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fsp.writeFile(temp, data);
    await fsp.rename(temp, file);
    this.forget(key);
    this.entries.set(key, { size: data.length, usedAt: Date.now() });
    this.total += data.length;
    await this.evict();
  }

  private forget(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.total -= entry.size;
    this.entries.delete(key);
  }

  /** Least recently used first, until the cache fits its bound again. */
  private async evict(): Promise<void> {
    if (this.total <= this.maxBytes) return;
    const oldest = [...this.entries].sort((a, b) => a[1].usedAt - b[1].usedAt);
    let removed = 0;
    for (const [key] of oldest) {
      if (this.total <= this.maxBytes) break;
      this.forget(key);
      await fsp.rm(path.join(this.dir, key), { force: true });
      removed++;
    }
    this.log?.debug("cache evicted", { removed, bytes: this.total });
  }
}

/** How a handler reads and reports caching for one call. */
export interface CacheContext {
  metadata: Metadata;
  /** Sends response metadata (the hit report) before the response. */
  sendMetadata(metadata: Metadata): void;
}

export interface Codec<T> {
  encode(value: T): { finish(): Uint8Array };
  decode(bytes: Uint8Array): T;
}

/**
 * The cached result for `key`, or `compute()`'s, stored when `keep(result)` says
 * it is worth keeping (a degraded answer, e.g. from a fallback engine, is not).
 */
export async function cached<T>(
  cache: ResultCache | undefined,
  call: CacheContext,
  key: string,
  codec: Codec<T>,
  compute: () => Promise<T>,
  keep: (result: T) => boolean = () => true,
): Promise<T> {
  const span = trace.getActiveSpan();
  const bypass = call.metadata.get(CACHE_HEADER)[0] === CACHE_BYPASS;
  if (cache && !bypass) {
    const hit = await cache.get(key);
    if (hit) {
      try {
        const value = codec.decode(hit);
        span?.setAttribute(ATTR_CACHE_HIT, true);
        const md = new Metadata();
        md.set(CACHE_HEADER, CACHE_HIT);
        call.sendMetadata(md);
        return value;
      } catch {
        // An entry that no longer decodes (the contract changed) is recomputed.
      }
    }
  }
  span?.setAttribute(ATTR_CACHE_HIT, false);
  const result = await compute();
  if (cache && keep(result)) await cache.put(key, codec.encode(result).finish()).catch(() => undefined);
  return result;
}
