// Certificates for tests, made with openssl when a test starts: a CA, one
// certificate it signs that every service serves and dials with (as a
// deployment may: docs in README, "Securing a deployment"), and a second,
// unrelated CA with a certificate of its own, for a peer that must be refused.
// Made fresh each run, so nothing expires in the repository.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface TestPki {
  dir: string;
  /** The CA every LECTRA certificate here is signed by. */
  caFile: string;
  /** The services' certificate and key: localhost, 127.0.0.1 and the names asked for, for serving and for dialling. */
  certFile: string;
  keyFile: string;
  /** A certificate and key signed by another CA: not to be trusted. */
  strangerCertFile: string;
  strangerKeyFile: string;
  /** What a service is given for mutual TLS. */
  serviceEnv(): NodeJS.ProcessEnv;
  /** What a caller of the public API is given: the CA only. */
  callerEnv(): NodeJS.ProcessEnv;
  remove(): void;
}

function openssl(cwd: string, ...args: string[]): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === "ENOENT") throw new Error("openssl makes the test certificates and is not on PATH: install it (Debian: apt-get install openssl)");
    throw new Error(`openssl ${args.join(" ")} failed: ${err.stderr?.toString() || err.message}`);
  }
}

/** A CA and a certificate signed by it for localhost, 127.0.0.1 and `names`, in a new temporary folder. */
export function makeTestPki({ names = [] }: { names?: string[] } = {}): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lectra-pki-"));
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  const ca = (name: string) =>
    openssl(dir, "req", "-x509", ...key, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "2", "-subj", `/CN=${name}`,
      "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  // serverAuth and clientAuth: each service serves with it and presents it when it calls another.
  fs.writeFileSync(
    path.join(dir, "leaf.ext"),
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=${["localhost", ...names].map((n) => `DNS:${n}`).join(",")},IP:127.0.0.1\n`,
  );
  const leaf = (name: string, signer: string) => {
    openssl(dir, "req", ...key, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`);
    openssl(dir, "x509", "-req", "-in", `${name}.csr`, "-CA", `${signer}.crt`, "-CAkey", `${signer}.key`, "-set_serial", `0x${Date.now().toString(16)}`,
      "-days", "2", "-extfile", "leaf.ext", "-out", `${name}.crt`);
  };
  ca("lectra-ca");
  leaf("lectra", "lectra-ca");
  ca("stranger-ca");
  leaf("stranger", "stranger-ca");
  const file = (name: string) => path.join(dir, name);
  const pki: TestPki = {
    dir,
    caFile: file("lectra-ca.crt"),
    certFile: file("lectra.crt"),
    keyFile: file("lectra.key"),
    strangerCertFile: file("stranger.crt"),
    strangerKeyFile: file("stranger.key"),
    serviceEnv: () => ({ LECTRA_TLS_CERT_FILE: pki.certFile, LECTRA_TLS_KEY_FILE: pki.keyFile, LECTRA_TLS_CA_FILE: pki.caFile }),
    callerEnv: () => ({ LECTRA_TLS_CA_FILE: pki.caFile }),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  return pki;
}
