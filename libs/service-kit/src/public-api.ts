// What makes a server the public API (the orchestrator's, `publicApi` in
// runService): its callers are people and programs outside the deployment.
//
// - API tokens. LECTRA_API_TOKENS (comma-separated) and LECTRA_API_TOKENS_FILE
//   (one a line) name the tokens accepted; with any set, every call to the
//   API's own services must carry `authorization: Bearer <token>`, or it ends
//   UNAUTHENTICATED before its handler runs. grpc.health.v1 stays open, since
//   probes carry no token, and so does reflection (it describes the API, and
//   LECTRA_REFLECTION=off turns it off). None set: the API is open, as before.
// - The request size. LECTRA_MAX_REQUEST_BYTES (1 MiB) bounds one request
//   message; grpc refuses a larger one from its length prefix, with
//   RESOURCE_EXHAUSTED, before reading its bytes. Between the services
//   messages stay up to MAX_MESSAGE_BYTES (frames and audio travel in them).
//   A call answered while its caller is still sending (refused for its size
//   or its token) is reset, so the rest is not read either.
// - Client certificates are not asked for under mutual TLS: tokens
//   authenticate the callers (server.ts).
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as http2 from "node:http2";
import * as grpc from "@grpc/grpc-js";
import { AUTHORIZATION_HEADER, API_TOKEN_ENV, BEARER_SCHEME, ConfigError, envInt, MAX_MESSAGE_BYTES } from "@lectra/clients";
import type { Logger } from "./log";

export const API_TOKENS_ENV = "LECTRA_API_TOKENS";
export const API_TOKENS_FILE_ENV = "LECTRA_API_TOKENS_FILE";
export const MAX_REQUEST_BYTES_ENV = "LECTRA_MAX_REQUEST_BYTES";

/**
 * The largest legitimate request is a script of the most characters a script
 * may have (200,000, libs/lecture) at 3 UTF-8 bytes each, about 600 KB;
 * public-api.test.ts checks that this admits it.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;

/** Shorter tokens can be guessed; `openssl rand -hex 32` makes a good one. */
export const MIN_TOKEN_CHARS = 16;
// RFC 6750's token68 characters: what fits in a metadata value as it is.
const TOKEN_CHARS = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface PublicApiSettings {
  /** The tokens accepted; empty when the API is open. */
  tokens: string[];
  maxRequestBytes: number;
}

export function publicApiSettings(env: NodeJS.ProcessEnv = process.env): PublicApiSettings {
  return {
    tokens: apiTokens(env),
    maxRequestBytes: envInt(MAX_REQUEST_BYTES_ENV, DEFAULT_MAX_REQUEST_BYTES, { min: 1024, max: MAX_MESSAGE_BYTES, env }),
  };
}

/** The tokens from LECTRA_API_TOKENS and LECTRA_API_TOKENS_FILE together (blank lines and # comments skipped in the file). */
export function apiTokens(env: NodeJS.ProcessEnv = process.env): string[] {
  const tokens: Array<{ token: string; from: string }> = [];
  const listed = env[API_TOKENS_ENV]?.trim();
  if (listed) {
    for (const token of listed.split(",").map((t) => t.trim())) {
      if (token) tokens.push({ token, from: API_TOKENS_ENV });
    }
  }
  const file = env[API_TOKENS_FILE_ENV]?.trim();
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      throw new ConfigError(`${API_TOKENS_FILE_ENV}=${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); mount the token file there or correct the path`);
    }
    const before = tokens.length;
    text.split(/\r?\n/).forEach((line, i) => {
      const token = line.trim();
      if (token && !token.startsWith("#")) tokens.push({ token, from: `${API_TOKENS_FILE_ENV}=${file}, line ${i + 1}` });
    });
    // An empty file must not open the API it was meant to close.
    if (tokens.length === before) throw new ConfigError(`${API_TOKENS_FILE_ENV}=${file} has no tokens: put one a line, or unset the variable to leave the API open`);
  }
  for (const { token, from } of tokens) {
    // The message names where the token is, never the token.
    if (token.length < MIN_TOKEN_CHARS) throw new ConfigError(`${from}: a token of ${token.length} characters is too easy to guess; use at least ${MIN_TOKEN_CHARS} (e.g. openssl rand -hex 32)`);
    if (!TOKEN_CHARS.test(token)) throw new ConfigError(`${from}: a token may hold letters, digits and - . _ ~ + / (then = padding) only, to travel as metadata; e.g. openssl rand -hex 32`);
  }
  return [...new Set(tokens.map((t) => t.token))];
}

/**
 * Whether `presented` is one of `tokens`, in time that depends on neither:
 * both sides are hashed to equal length, compared with timingSafeEqual, and
 * every token is compared, a match or not.
 */
export function tokenMatcher(tokens: string[]): (presented: string) => boolean {
  const digest = (s: string) => crypto.createHash("sha256").update(s).digest();
  const digests = tokens.map(digest);
  return (presented) => {
    const candidate = digest(presented);
    let match = false;
    for (const d of digests) match = crypto.timingSafeEqual(d, candidate) || match;
    return match;
  };
}

const HOW_TO_PASS = `send metadata "${AUTHORIZATION_HEADER}: ${BEARER_SCHEME} <token>" (lectra --token <token>, or ${API_TOKEN_ENV}=<token>; grpcurl -H "${AUTHORIZATION_HEADER}: ${BEARER_SCHEME} <token>")`;

/** Why a call's metadata does not authenticate it, or undefined when it does. */
export function tokenProblem(metadata: grpc.Metadata, matches: (token: string) => boolean): string | undefined {
  const value = metadata.get(AUTHORIZATION_HEADER)[0];
  if (value === undefined) return `this API needs a token: ${HOW_TO_PASS}`;
  const m = new RegExp(`^${BEARER_SCHEME}\\s+(\\S+)\\s*$`, "i").exec(String(value));
  if (!m) return `the ${AUTHORIZATION_HEADER} metadata is not "${BEARER_SCHEME} <token>": ${HOW_TO_PASS}`;
  if (!matches(m[1])) return `the API token is not one this orchestrator accepts (${API_TOKENS_ENV} or ${API_TOKENS_FILE_ENV} on its side); check the token you pass`;
  return undefined;
}

/**
 * A server interceptor that ends every call to `services` whose metadata has
 * no accepted token with UNAUTHENTICATED, before its handler sees it. Calls
 * to other services on the server (health, reflection) pass.
 */
export function tokenGuard(tokens: string[], services: string[], log: Logger): grpc.ServerInterceptor {
  const matches = tokenMatcher(tokens);
  const guarded = (path: string) => services.some((s) => path.startsWith(`/${s}/`));
  return (method, call) => {
    if (!guarded(method.path)) return new grpc.ServerInterceptingCall(call);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, pass) => {
            const problem = tokenProblem(metadata, matches);
            if (!problem) return pass(metadata);
            log.warn(`refused ${method.path}: no accepted API token`, { peer: call.getPeer() });
            call.sendStatus({ code: grpc.status.UNAUTHENTICATED, details: problem });
          },
        }),
    });
  };
}

/**
 * Once a call is answered while its caller is still sending (a request over
 * the size limit, a refused token), asks the caller to stop with RST_STREAM
 * NO_ERROR, as HTTP/2 allows after a complete response (RFC 9113, 8.1).
 * grpc-js would read and discard the rest instead: a refused 50 MiB request
 * still cost the orchestrator 28-63 MiB of reads and up to 65 MiB of RSS.
 * grpc-js gives an interceptor no handle on the HTTP/2 stream; its own call,
 * which the first interceptor wraps, keeps it as `stream`. Where it does not
 * (another grpc-js), nothing is reset and the rest is drained as before:
 * tests/e2e/src/faults-security.test.ts measures what a refusal reads.
 */
export function stopReadingWhenAnswered(): grpc.ServerInterceptor {
  return (_method, call) => {
    const stream = (call as unknown as { stream?: http2.ServerHttp2Stream }).stream;
    if (typeof stream?.close !== "function" || typeof stream.closed !== "boolean") return new grpc.ServerInterceptingCall(call);
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          // Called once the call has its status (grpc-js sends it first), whatever ended it.
          onCancel: () => {
            // The status goes out before the reset: both are queued in order on the stream.
            // Only while the caller is still sending, as HTTP/2 itself knows it: grpc-js leaves
            // the end of a request unread, so `readableEnded` would say so of every call,
            // and a reset would throw away answers the caller has not read yet.
            setImmediate(() => {
              if (!stream.closed && stream.state?.remoteClose === 0) stream.close(http2.constants.NGHTTP2_NO_ERROR);
            });
          },
        }),
    });
  };
}
