// What a client dials a LECTRA service with: TLS as LECTRA_TLS_* say
// (tls.ts), and, to the orchestrator's public API, the caller's API token
// (LECTRA_API_TOKEN, or the CLI's --token) as `authorization: Bearer <token>`
// on every call. The orchestrator checks it (service-kit's public-api.ts).
import * as grpc from "@grpc/grpc-js";
import type { ServiceName } from "./config";
import { clientTls } from "./tls";

/** The metadata key and scheme that carry an API token, as HTTP's Authorization header does. */
export const AUTHORIZATION_HEADER = "authorization";
export const BEARER_SCHEME = "Bearer";

/** The variable a caller of the public API gives its token in. */
export const API_TOKEN_ENV = "LECTRA_API_TOKEN";

export interface Connection {
  credentials: grpc.ChannelCredentials;
  /** Options for grpc.Client: the server name to check, the token interceptor. */
  options: grpc.ClientOptions;
}

/**
 * How to reach `service`, read from `env`. Only calls to the orchestrator
 * carry the API token: the other services are reached by the orchestrator,
 * inside the deployment, and are guarded by mutual TLS instead.
 */
export function clientConnection(service: ServiceName | undefined, env: NodeJS.ProcessEnv = process.env): Connection {
  const tls = clientTls(env);
  const token = service === "orchestrator" ? env[API_TOKEN_ENV]?.trim() : undefined;
  return { credentials: tls.credentials, options: { ...tls.options, ...(token ? { interceptors: [bearerToken(token)] } : {}) } };
}

/**
 * Adds the token to every call's metadata. An interceptor rather than call
 * credentials: grpc-js sends call credentials over TLS only, and a token over
 * plaintext is legitimate where the network is the private part (kubectl
 * port-forward, a mesh or proxy that terminates TLS).
 */
function bearerToken(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start(metadata, listener, next) {
        metadata.set(AUTHORIZATION_HEADER, `${BEARER_SCHEME} ${token}`);
        next(metadata, listener);
      },
    });
}
