// TLS for every LECTRA connection, from files named in the environment. This
// is the one place that turns them into credentials, for servers (service-kit's
// runService) and clients (typed clients, health checks, the CLI) alike:
//
//   LECTRA_TLS_CERT_FILE, LECTRA_TLS_KEY_FILE  this process's certificate chain and key (PEM):
//                                              a server serves TLS with them, a client presents them
//   LECTRA_TLS_CA_FILE                         the CA that signed the peers' certificates: clients
//                                              verify servers against it, and servers then require
//                                              and verify client certificates (mutual TLS)
//   LECTRA_TLS_SERVER_NAME                     the name a client checks in the server's certificate
//                                              instead of the host it dials (an IP, an ipv4: list)
//
// None set: plaintext, the default (one machine, or a network you trust).
// Files are read and checked when credentials are made, at start-up: a missing
// file, a key that is not the certificate's, an expired certificate fail then,
// with the variable named, rather than as a failed handshake on the first call.
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as grpc from "@grpc/grpc-js";
import { ConfigError } from "./config";

export const TLS_ENV = {
  cert: "LECTRA_TLS_CERT_FILE",
  key: "LECTRA_TLS_KEY_FILE",
  ca: "LECTRA_TLS_CA_FILE",
  serverName: "LECTRA_TLS_SERVER_NAME",
} as const;

/** What the TLS variables name, read and checked. */
export interface TlsMaterial {
  /** This process's certificate chain and private key, PEM; both or neither. */
  cert?: Buffer;
  key?: Buffer;
  /** The CA that signed the peers' certificates, PEM. */
  ca?: Buffer;
  /** The name to check in the server's certificate, for clients. */
  serverName?: string;
}

export type TlsMode = "plaintext" | "TLS" | "mutual TLS";

/** The TLS files the environment names, read and checked; undefined when none is set (plaintext). */
export function tlsMaterial(env: NodeJS.ProcessEnv = process.env): TlsMaterial | undefined {
  const value = (name: string) => env[name]?.trim() || undefined;
  const [certFile, keyFile, caFile, serverName] = [value(TLS_ENV.cert), value(TLS_ENV.key), value(TLS_ENV.ca), value(TLS_ENV.serverName)];
  if (!certFile && !keyFile && !caFile) {
    if (serverName) throw new ConfigError(`${TLS_ENV.serverName}=${serverName} only applies to TLS: set ${TLS_ENV.ca} (and the certificate files) too, or unset it`);
    return undefined;
  }
  if (Boolean(certFile) !== Boolean(keyFile)) {
    const [set, unset] = certFile ? [TLS_ENV.cert, TLS_ENV.key] : [TLS_ENV.key, TLS_ENV.cert];
    throw new ConfigError(`${set} is set but ${unset} is not: a certificate and its private key go together; set both`);
  }
  const material: TlsMaterial = { serverName };
  if (caFile) {
    material.ca = readPem(TLS_ENV.ca, caFile);
    try {
      new crypto.X509Certificate(material.ca);
    } catch (e) {
      throw new ConfigError(`${TLS_ENV.ca}=${caFile} is not a PEM certificate (${(e as Error).message}): give the CA certificate that signed the services' certificates`);
    }
  }
  if (certFile && keyFile) {
    material.cert = readPem(TLS_ENV.cert, certFile);
    material.key = readPem(TLS_ENV.key, keyFile);
    let cert: crypto.X509Certificate;
    let key: crypto.KeyObject;
    try {
      cert = new crypto.X509Certificate(material.cert);
    } catch (e) {
      throw new ConfigError(`${TLS_ENV.cert}=${certFile} is not a PEM certificate: ${(e as Error).message}`);
    }
    try {
      key = crypto.createPrivateKey(material.key);
    } catch (e) {
      throw new ConfigError(`${TLS_ENV.key}=${keyFile} is not a PEM private key (an encrypted key needs decrypting first): ${(e as Error).message}`);
    }
    if (!cert.checkPrivateKey(key)) {
      throw new ConfigError(`${TLS_ENV.key}=${keyFile} is not the private key of ${TLS_ENV.cert}=${certFile}: give the key the certificate was issued for`);
    }
    if (Date.parse(cert.validTo) < Date.now()) {
      throw new ConfigError(`${TLS_ENV.cert}=${certFile} expired on ${cert.validTo}: issue a new certificate`);
    }
  }
  return material;
}

function readPem(variable: string, file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    throw new ConfigError(`${variable}=${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); mount the file there or correct the path`);
  }
}

export interface ServerTls {
  credentials: grpc.ServerCredentials;
  mode: TlsMode;
}

/**
 * A server's credentials. With a CA, clients must present a certificate it
 * signed (mutual TLS), unless `clientCertificates` is false: the public API's
 * callers are people and programs outside, who authenticate with API tokens.
 */
export function serverTls(env: NodeJS.ProcessEnv = process.env, { clientCertificates = true }: { clientCertificates?: boolean } = {}): ServerTls {
  const tls = tlsMaterial(env);
  if (!tls) return { credentials: grpc.ServerCredentials.createInsecure(), mode: "plaintext" };
  if (!tls.cert || !tls.key) {
    throw new ConfigError(
      `${TLS_ENV.ca} is set but ${TLS_ENV.cert} and ${TLS_ENV.key} are not: a server needs its own certificate and key to serve TLS (a CA alone is what a client such as the CLI needs)`,
    );
  }
  const mutual = Boolean(tls.ca) && clientCertificates;
  return {
    credentials: grpc.ServerCredentials.createSsl(tls.ca ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], mutual),
    mode: mutual ? "mutual TLS" : "TLS",
  };
}

export interface ClientTls {
  credentials: grpc.ChannelCredentials;
  /** Channel options the credentials need (the server name to check). */
  options: grpc.ChannelOptions;
}

/**
 * A client's credentials: plaintext when nothing is set; otherwise TLS,
 * checking the server's certificate against LECTRA_TLS_CA_FILE (the system's
 * CAs without it) and presenting this process's certificate when it has one.
 */
export function clientTls(env: NodeJS.ProcessEnv = process.env): ClientTls {
  const tls = tlsMaterial(env);
  if (!tls) return { credentials: grpc.credentials.createInsecure(), options: {} };
  const options: grpc.ChannelOptions = tls.serverName ? { "grpc.ssl_target_name_override": tls.serverName, "grpc.default_authority": tls.serverName } : {};
  return {
    credentials: grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null),
    options,
  };
}
