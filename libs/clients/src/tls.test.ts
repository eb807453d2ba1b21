// The TLS variables as an operator sets them: what each combination means for
// a server and for a client, and the mistakes refused at start-up with the
// variable named. (tests/e2e/src/faults-security.test.ts runs the services
// over TLS and mutual TLS.)
import { after, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ConfigError } from "./config";
import { clientConnection } from "./connection";
import { clientTls, serverTls, tlsMaterial } from "./tls";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-tls-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate and its key (openssl, as on the machines that run the tests). */
function selfSigned(name: string): { cert: string; key: string } {
  const [cert, key] = [path.join(dir, `${name}.crt`), path.join(dir, `${name}.key`)];
  execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", `/CN=${name}`], {
    stdio: "ignore",
  });
  return { cert, key };
}
const one = selfSigned("one");
const two = selfSigned("two");
const junk = path.join(dir, "junk.pem");
fs.writeFileSync(junk, "not a certificate\n");

const refuses = (env: NodeJS.ProcessEnv, message: RegExp) =>
  assert.throws(() => tlsMaterial(env), (e: Error) => e instanceof ConfigError && message.test(e.message), `expected ${message}`);

describe("TLS settings", () => {
  it("none set: plaintext on both ends", () => {
    assert.equal(tlsMaterial({}), undefined);
    assert.equal(serverTls({}).mode, "plaintext");
    assert.equal(clientTls({}).credentials._isSecure(), false);
  });

  it("a certificate and key: a TLS server; with a CA, mutual TLS, except where client certificates are not asked for", () => {
    const pair = { LECTRA_TLS_CERT_FILE: one.cert, LECTRA_TLS_KEY_FILE: one.key };
    assert.equal(serverTls(pair).mode, "TLS");
    assert.equal(serverTls({ ...pair, LECTRA_TLS_CA_FILE: two.cert }).mode, "mutual TLS");
    assert.equal(serverTls({ ...pair, LECTRA_TLS_CA_FILE: two.cert }, { clientCertificates: false }).mode, "TLS");
  });

  it("a CA alone: a TLS client (the CLI), checking a name of its choice where one is given", () => {
    const client = clientTls({ LECTRA_TLS_CA_FILE: one.cert, LECTRA_TLS_SERVER_NAME: "orchestrator" });
    assert.equal(client.credentials._isSecure(), true);
    assert.equal(client.options["grpc.ssl_target_name_override"], "orchestrator");
    assert.equal(clientConnection("orchestrator", { LECTRA_TLS_CA_FILE: one.cert }).credentials._isSecure(), true);
  });

  it("a CA alone is refused to a server: it needs its own certificate to serve TLS", () => {
    assert.throws(() => serverTls({ LECTRA_TLS_CA_FILE: one.cert }), /a server needs its own certificate and key to serve TLS/);
  });

  it("refuses half a pair, naming the variable that is missing", () => {
    refuses({ LECTRA_TLS_CERT_FILE: one.cert }, /LECTRA_TLS_CERT_FILE is set but LECTRA_TLS_KEY_FILE is not/);
    refuses({ LECTRA_TLS_KEY_FILE: one.key, LECTRA_TLS_CA_FILE: one.cert }, /LECTRA_TLS_KEY_FILE is set but LECTRA_TLS_CERT_FILE is not/);
  });

  it("refuses a file it cannot read, or that is not what its variable says, naming both", () => {
    refuses({ LECTRA_TLS_CA_FILE: "/no/such/ca.crt" }, /LECTRA_TLS_CA_FILE=\/no\/such\/ca\.crt: cannot read it \(ENOENT\)/);
    refuses({ LECTRA_TLS_CA_FILE: junk }, /LECTRA_TLS_CA_FILE=.*junk\.pem is not a PEM certificate/);
    refuses({ LECTRA_TLS_CERT_FILE: junk, LECTRA_TLS_KEY_FILE: one.key }, /LECTRA_TLS_CERT_FILE=.*junk\.pem is not a PEM certificate/);
    refuses({ LECTRA_TLS_CERT_FILE: one.cert, LECTRA_TLS_KEY_FILE: junk }, /LECTRA_TLS_KEY_FILE=.*junk\.pem is not a PEM private key/);
  });

  it("refuses a key that is not the certificate's", () => {
    refuses({ LECTRA_TLS_CERT_FILE: one.cert, LECTRA_TLS_KEY_FILE: two.key }, /two\.key is not the private key of LECTRA_TLS_CERT_FILE=.*one\.crt/);
  });

  it("refuses a server name with nothing to check it against", () => {
    refuses({ LECTRA_TLS_SERVER_NAME: "orchestrator" }, /LECTRA_TLS_SERVER_NAME=orchestrator only applies to TLS/);
  });
});

describe("the API token a client sends", () => {
  it("goes to the orchestrator only, as an interceptor, whatever the transport", () => {
    const env = { LECTRA_API_TOKEN: "test-token-0123456789" };
    assert.equal(clientConnection("orchestrator", env).options.interceptors?.length, 1);
    assert.equal(clientConnection("speech", env).options.interceptors, undefined, "the workers are not sent the public API's token");
    assert.equal(clientConnection("orchestrator", {}).options.interceptors, undefined);
  });
});
