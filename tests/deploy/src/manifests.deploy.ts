// The Kubernetes deployment in deploy/k8s, as an operator would apply it:
// base and every overlay are rendered with `kubectl kustomize`, every object
// is validated against the Kubernetes API schemas (kubernetes-models), and
// then checked for what would break LECTRA on a cluster even though the API
// server would accept it: probes on the wrong port, a target that is not
// resolved per pod, a grace period shorter than the services' own, a Service
// that selects nothing.
//
// Not in `npm test`: run with `npm run test:deploy`. It needs kubectl (with
// its built-in kustomize) on PATH and fails, never skips, without it.
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import { ConfigMap, PersistentVolumeClaim, Service, type IContainer, type IPodSpec } from "kubernetes-models/v1";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";

// This package is ES modules ("type": "module"), unlike the others, because
// kubernetes-models can only be imported, not required.
const K8S_DIR = path.resolve(import.meta.dirname, "../../../deploy/k8s");
const RENDERS = ["base", "overlays/jaeger", "overlays/ollama", "overlays/gpu", "overlays/scale", "overlays/secure"];

/** The five services the orchestrator calls, with their ports; the orchestrator is on 50051. */
const STATELESS = { llm: 50052, images: 50053, slides: 50054, speech: 50055, video: 50056 } as const;
type Stateless = keyof typeof STATELESS;
const STATELESS_NAMES = Object.keys(STATELESS) as Stateless[];
const ORCHESTRATOR_PORT = 50051;

/**
 * The kinds the deployment may contain, each with the model that validates
 * it. Anything else fails the render's test: an object of a kind listed
 * nowhere here has not been checked, and a removed API version (apps/v1beta1,
 * autoscaling/v2beta2) would be refused by a current cluster.
 */
const MODELS = {
  "v1/ConfigMap": ConfigMap,
  "v1/Service": Service,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
} as const;

interface Rendered {
  configMaps: ConfigMap[];
  services: Service[];
  claims: PersistentVolumeClaim[];
  deployments: Deployment[];
  statefulSets: StatefulSet[];
  autoscalers: HorizontalPodAutoscaler[];
  policies: NetworkPolicy[];
}

/** A workload with what the checks need of it, whatever its kind. */
interface Workload {
  kind: string;
  name: string;
  pod: IPodSpec;
  container: IContainer;
  labels: Record<string, string>;
}

const renders = new Map<string, Rendered>();

/** `kubectl kustomize <dir>`, parsed and validated, once per directory. */
function render(dir: string): Rendered {
  const done = renders.get(dir);
  if (done) return done;
  let out: string;
  try {
    out = execFileSync("kubectl", ["kustomize", path.join(K8S_DIR, dir)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === "ENOENT") {
      throw new Error("kubectl 1.27 or later (its built-in kustomize 5) is needed to render deploy/k8s; install it and run again");
    }
    throw new Error(`kubectl kustomize ${dir} failed: ${err.stderr || err.message}`);
  }
  const rendered: Rendered = { configMaps: [], services: [], claims: [], deployments: [], statefulSets: [], autoscalers: [], policies: [] };
  const problems: string[] = [];
  for (const doc of parseAllDocuments(out)) {
    if (doc.errors.length > 0) throw new Error(`${dir}: kubectl printed YAML that does not parse: ${doc.errors[0].message}`);
    const object = doc.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string } } | null;
    if (object === null) continue;
    const what = `${object.kind}/${object.metadata?.name}`;
    const Model = MODELS[`${object.apiVersion}/${object.kind}` as keyof typeof MODELS];
    if (!Model) {
      problems.push(`${what}: ${object.apiVersion} ${object.kind} is not a kind this test knows; add its model to MODELS`);
      continue;
    }
    // The schemas check types, enums, formats and required fields; they do
    // not reject unknown fields, so a misspelt field is caught (if at all) by
    // the checks below that look for the field by its right name.
    const model = new Model(object as never);
    try {
      model.validate();
    } catch (e) {
      problems.push(`${what}: ${(e as Error).message}`);
      continue;
    }
    if (model instanceof ConfigMap) rendered.configMaps.push(model);
    else if (model instanceof Service) rendered.services.push(model);
    else if (model instanceof PersistentVolumeClaim) rendered.claims.push(model);
    else if (model instanceof Deployment) rendered.deployments.push(model);
    else if (model instanceof StatefulSet) rendered.statefulSets.push(model);
    else if (model instanceof HorizontalPodAutoscaler) rendered.autoscalers.push(model);
    else rendered.policies.push(model);
  }
  assert.deepEqual(problems, [], `${dir} has objects the Kubernetes API would refuse or this test cannot check`);
  renders.set(dir, rendered);
  return rendered;
}

function workloads(r: Rendered): Workload[] {
  return [...r.deployments, ...r.statefulSets].map((w) => {
    const pod = w.spec!.template.spec!;
    assert.equal(pod.containers.length, 1, `${w.kind}/${w.metadata!.name} runs one container`);
    return { kind: w.kind, name: w.metadata!.name!, pod, container: pod.containers[0], labels: w.spec!.template.metadata?.labels ?? {} };
  });
}

function workload(r: Rendered, name: string): Workload {
  const found = workloads(r).find((w) => w.name === name);
  assert.ok(found, `a workload named ${name}`);
  return found;
}

/** The container's environment as the kubelet builds it: envFrom ConfigMaps first, env over them. */
function environment(r: Rendered, w: Workload): Map<string, string> {
  const env = new Map<string, string>();
  for (const from of w.container.envFrom ?? []) {
    const name = from.configMapRef?.name;
    assert.ok(name, `${w.name}: envFrom reads only ConfigMaps`);
    const map = r.configMaps.find((c) => c.metadata?.name === name);
    assert.ok(map, `${w.name}: envFrom names ConfigMap ${name}, which is not in the render (the pod would not start)`);
    for (const [k, v] of Object.entries(map.data ?? {})) env.set(k, v);
  }
  for (const e of w.container.env ?? []) if (e.value !== undefined) env.set(e.name, e.value);
  return env;
}

/** Bytes in a Kubernetes quantity such as 512Mi, 1Gi or 500M. */
function bytes(quantity: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity));
  assert.ok(m, `${quantity} is a quantity of bytes`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ""] ?? 1;
  return Number(m[1]) * unit;
}

function grpcPort(w: Workload): number {
  const port = w.container.ports?.find((p) => p.name === "grpc");
  assert.ok(port, `${w.name}: a container port named grpc`);
  return port.containerPort;
}

function selects(service: Service, w: Workload): boolean {
  const selector = service.spec?.selector ?? {};
  return Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => w.labels[k] === v);
}

/** The image's own health probe (libs/service-kit's probe.js), which speaks TLS where the kubelet's gRPC probes cannot. */
const PROBE_JS = ["node", "/app/libs/service-kit/dist/probe.js"];
const probesWithProbeJs = (probe: IContainer["readinessProbe"]) => JSON.stringify(probe?.exec?.command) === JSON.stringify(PROBE_JS);

/** The volume mounted at `mountPath`, with the mount. */
function mounted(w: Workload, mountPath: string) {
  const mount = w.container.volumeMounts?.find((m) => m.mountPath === mountPath);
  return { mount, volume: w.pod.volumes?.find((v) => v.name === mount?.name) };
}

function service(r: Rendered, name: string): Service {
  const found = r.services.find((s) => s.metadata?.name === name);
  assert.ok(found, `a Service named ${name}`);
  return found;
}

for (const dir of RENDERS) {
  describe(`deploy/k8s/${dir}`, () => {
    it("renders, and every object is valid against the Kubernetes API schemas", () => {
      const r = render(dir);
      assert.ok(r.deployments.length + r.statefulSets.length > 0, "it has workloads");
    });

    it("runs the orchestrator as a one-pod StatefulSet with its own /data volume", () => {
      const r = render(dir);
      const set = r.statefulSets.find((s) => s.metadata?.name === "orchestrator");
      assert.ok(set, "a StatefulSet named orchestrator");
      assert.equal(set.spec!.replicas, 1, "one replica: a second would not see the first one's jobs");
      const w = workload(r, "orchestrator");
      const mount = w.container.volumeMounts?.find((m) => m.mountPath === "/data");
      assert.ok(mount, "/data is mounted");
      assert.ok(set.spec!.volumeClaimTemplates?.some((t) => t.metadata?.name === mount.name), "/data comes from a volumeClaimTemplate");
      const governing = service(r, set.spec!.serviceName!);
      assert.equal(governing.spec?.clusterIP, "None", "the governing Service is headless");
      const api = service(r, "orchestrator");
      assert.notEqual(api.spec?.clusterIP, "None", "the public Service has a cluster IP");
      assert.ok(selects(api, w), "the orchestrator Service selects the orchestrator's pods");
      assert.ok(api.spec?.ports?.some((p) => p.name === "grpc" && p.port === ORCHESTRATOR_PORT), `the orchestrator Service serves grpc on ${ORCHESTRATOR_PORT}`);
    });

    it("runs the five stateless services as Deployments behind headless Services", () => {
      const r = render(dir);
      for (const name of STATELESS_NAMES) {
        assert.ok(r.deployments.some((d) => d.metadata?.name === name), `a Deployment named ${name}`);
        const w = workload(r, name);
        assert.equal(grpcPort(w), STATELESS[name], `${name} listens on ${STATELESS[name]}`);
        const s = service(r, name);
        assert.equal(s.spec?.clusterIP, "None", `${name}'s Service is headless, so DNS answers with every pod`);
        assert.ok(selects(s, w), `${name}'s Service selects ${name}'s pods`);
        assert.ok(s.spec?.ports?.some((p) => p.name === "grpc" && p.port === STATELESS[name]), `${name}'s Service serves grpc on ${STATELESS[name]}`);
      }
    });

    it("points the orchestrator at every pod of each service through dns:/// targets", () => {
      const r = render(dir);
      const env = environment(r, workload(r, "orchestrator"));
      for (const name of STATELESS_NAMES) {
        const variable = `LECTRA_${name.toUpperCase()}_ADDR`;
        assert.equal(env.get(variable), `dns:///${name}:${STATELESS[name]}`, variable);
      }
    });

    it("gives every LECTRA workload gRPC health probes, limits, a hardened non-root pod and its settings", () => {
      const r = render(dir);
      for (const name of ["orchestrator", ...STATELESS_NAMES]) {
        const w = workload(r, name);
        const c = w.container;
        const port = grpcPort(w);
        assert.match(c.image ?? "", new RegExp(`^(.+/)?lectra/${name}[:@]`), `${name} runs the lectra/${name} image`);
        for (const probe of ["startupProbe", "readinessProbe", "livenessProbe"] as const) {
          // Under TLS (overlays/secure) the image's probe.js asks, on the same port (its LECTRA_<SERVICE>_ADDR).
          if (dir === "overlays/secure") assert.ok(probesWithProbeJs(c[probe]), `${name}: ${probe} runs ${PROBE_JS.join(" ")}, the kubelet's gRPC probes speaking no TLS`);
          else assert.equal(c[probe]?.grpc?.port, port, `${name}: ${probe} asks grpc.health.v1 on the grpc port ${port}`);
        }
        assert.ok(c.resources?.limits?.memory, `${name}: a memory limit`);
        assert.ok(c.resources?.requests?.memory, `${name}: a memory request`);
        assert.ok(bytes(c.resources.requests.memory) <= bytes(c.resources.limits.memory), `${name}: the request fits the limit`);
        const runAsNonRoot = c.securityContext?.runAsNonRoot ?? w.pod.securityContext?.runAsNonRoot;
        assert.equal(runAsNonRoot, true, `${name}: runAsNonRoot`);
        assert.equal(c.securityContext?.runAsUser ?? w.pod.securityContext?.runAsUser, 10001, `${name}: runs as the image's UID 10001`);
        assert.equal(w.pod.securityContext?.fsGroup, 10001, `${name}: volumes are writable by GID 10001`);
        assert.equal(c.securityContext?.readOnlyRootFilesystem, true, `${name}: readOnlyRootFilesystem`);
        assert.equal(c.securityContext?.allowPrivilegeEscalation, false, `${name}: allowPrivilegeEscalation false`);
        assert.deepEqual(c.securityContext?.capabilities?.drop, ["ALL"], `${name}: drops every capability`);
        const seccomp = c.securityContext?.seccompProfile?.type ?? w.pod.securityContext?.seccompProfile?.type;
        assert.equal(seccomp, "RuntimeDefault", `${name}: seccomp RuntimeDefault`);
        const tmp = c.volumeMounts?.find((m) => m.mountPath === "/tmp");
        assert.ok(tmp && w.pod.volumes?.find((v) => v.name === tmp.name)?.emptyDir, `${name}: a writable emptyDir at /tmp`);

        const env = environment(r, w);
        assert.equal(env.get("OTEL_SERVICE_NAME"), `lectra-${name}`, `${name}: OTEL_SERVICE_NAME`);
        assert.equal(env.get("LECTRA_DATA_DIR"), "/data", `${name}: LECTRA_DATA_DIR`);
        const grace = Number(env.get("LECTRA_SHUTDOWN_GRACE_MS"));
        assert.ok(grace > 0, `${name}: LECTRA_SHUTDOWN_GRACE_MS is set`);
        const kill = w.pod.terminationGracePeriodSeconds;
        assert.ok(kill !== undefined && kill * 1000 > grace, `${name}: terminationGracePeriodSeconds (${kill} s) is above LECTRA_SHUTDOWN_GRACE_MS (${grace} ms), so calls in flight finish before the kill`);
      }
    });

    it("keeps each stateless service's cache in an emptyDir that holds LECTRA_CACHE_MAX_MB", () => {
      const r = render(dir);
      for (const name of STATELESS_NAMES) {
        const w = workload(r, name);
        const mount = w.container.volumeMounts?.find((m) => m.mountPath === "/data");
        const volume = w.pod.volumes?.find((v) => v.name === mount?.name);
        const limit = volume?.emptyDir?.sizeLimit;
        assert.ok(limit, `${name}: /data is an emptyDir with a sizeLimit`);
        const cacheMb = Number(environment(r, w).get("LECTRA_CACHE_MAX_MB"));
        assert.ok(cacheMb > 0 && cacheMb * 2 ** 20 < bytes(limit), `${name}: a cache of ${cacheMb} MB fits in ${limit}, or the kubelet evicts the pod`);
      }
    });

    it("gives every workload, Jaeger and Ollama included, probes, a memory limit and no privilege escalation", () => {
      const r = render(dir);
      for (const w of workloads(r)) {
        assert.ok(w.container.readinessProbe && w.container.livenessProbe, `${w.name}: readiness and liveness probes`);
        assert.ok(w.container.resources?.limits?.memory, `${w.name}: a memory limit`);
        assert.equal(w.container.securityContext?.allowPrivilegeEscalation, false, `${w.name}: allowPrivilegeEscalation false`);
      }
    });

    it("has every Service select pods and name ports they have", () => {
      const r = render(dir);
      for (const s of r.services) {
        const backends = workloads(r).filter((w) => selects(s, w));
        assert.ok(backends.length > 0, `Service ${s.metadata?.name} selects some workload's pods`);
        for (const p of s.spec?.ports ?? []) {
          if (typeof p.targetPort !== "string") continue;
          for (const w of backends) {
            assert.ok(w.container.ports?.some((cp) => cp.name === p.targetPort), `Service ${s.metadata?.name}: ${w.name} has a port named ${p.targetPort}`);
          }
        }
      }
    });

    it("lets only the orchestrator reach the stateless services' gRPC ports", () => {
      const r = render(dir);
      const orchestrator = workload(r, "orchestrator");
      for (const name of STATELESS_NAMES) {
        const w = workload(r, name);
        const policies = r.policies.filter((p) => appliesTo(p, w));
        assert.ok(policies.length > 0, `${name} is under a NetworkPolicy`);
        const from = policies.flatMap((p) => p.spec!.ingress ?? []).flatMap((rule) => rule.from ?? []);
        assert.ok(from.length > 0, `${name}: ingress is limited to named peers`);
        for (const peer of from) {
          const labels = peer.podSelector?.matchLabels ?? {};
          assert.ok(
            !peer.ipBlock && !peer.namespaceSelector && Object.entries(labels).every(([k, v]) => orchestrator.labels[k] === v) && Object.keys(labels).length > 0,
            `${name}: only the orchestrator's pods may connect`,
          );
        }
      }
    });
  });
}

/** Whether a NetworkPolicy's podSelector picks a workload's pods (matchLabels and In expressions). */
function appliesTo(policy: NetworkPolicy, w: Workload): boolean {
  // An absent or empty podSelector picks every pod in the namespace.
  const selector = policy.spec!.podSelector ?? {};
  const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => w.labels[k] === v);
  const expressionsMatch = (selector.matchExpressions ?? []).every((e) => {
    assert.equal(e.operator, "In", "only In expressions are checked here");
    return e.values?.includes(w.labels[e.key]) ?? false;
  });
  return labelsMatch && expressionsMatch;
}

describe("what each overlay adds", () => {
  it("base exports no spans: OTEL_EXPORTER_OTLP_ENDPOINT is unset", () => {
    const r = render("base");
    for (const w of workloads(r)) assert.equal(environment(r, w).get("OTEL_EXPORTER_OTLP_ENDPOINT"), undefined, w.name);
  });

  it("base is plaintext and open: no TLS files, no API tokens, no Secrets mounted", () => {
    const r = render("base");
    for (const w of workloads(r)) {
      const env = environment(r, w);
      for (const variable of ["LECTRA_TLS_CERT_FILE", "LECTRA_TLS_KEY_FILE", "LECTRA_TLS_CA_FILE", "LECTRA_API_TOKENS", "LECTRA_API_TOKENS_FILE"]) {
        assert.equal(env.get(variable), undefined, `${w.name}: ${variable}`);
      }
      assert.ok(!w.pod.volumes?.some((v) => v.secret), `${w.name} mounts no Secret`);
    }
  });

  it("secure: every service has the certificate Secret read-only where LECTRA_TLS_* point; the orchestrator alone the token file", () => {
    const r = render("overlays/secure");
    for (const name of ["orchestrator", ...STATELESS_NAMES]) {
      const w = workload(r, name);
      const env = environment(r, w);
      const { mount, volume } = mounted(w, "/etc/lectra/tls");
      assert.equal(volume?.secret?.secretName, "lectra-tls", `${name}: Secret lectra-tls at /etc/lectra/tls`);
      assert.equal(mount?.readOnly, true, `${name}: mounted read-only`);
      assert.equal(volume.secret.defaultMode, 0o440, `${name}: readable by the pod's group (fsGroup) only`);
      assert.equal(w.pod.securityContext?.fsGroup, 10001, `${name}: fsGroup 10001 owns the files`);
      for (const [variable, key] of [["LECTRA_TLS_CERT_FILE", "tls.crt"], ["LECTRA_TLS_KEY_FILE", "tls.key"], ["LECTRA_TLS_CA_FILE", "ca.crt"]]) {
        assert.equal(env.get(variable), `/etc/lectra/tls/${key}`, `${name}: ${variable} names ${key} in the Secret (kubectl create secret generic lectra-tls --from-file=${key})`);
      }
      const tokens = mounted(w, "/etc/lectra/api-tokens");
      if (name === "orchestrator") {
        assert.equal(tokens.volume?.secret?.secretName, "lectra-api-tokens", "the orchestrator: Secret lectra-api-tokens");
        assert.equal(tokens.mount?.readOnly, true, "mounted read-only");
        assert.equal(env.get("LECTRA_API_TOKENS_FILE"), "/etc/lectra/api-tokens/tokens");
      } else {
        assert.equal(tokens.volume, undefined, `${name} does not get the API tokens`);
        assert.equal(env.get("LECTRA_API_TOKENS_FILE"), undefined, name);
      }
      for (const secret of w.pod.volumes?.filter((v) => v.secret) ?? []) {
        assert.notEqual(secret.secret!.optional, true, `${name}: Secret ${secret.secret!.secretName} is required, so a pod never starts unsecured`);
      }
    }
    assert.ok(!r.configMaps.some((c) => Object.keys(c.data ?? {}).some((k) => /TOKENS$|KEY$/.test(k) && !/_FILE$/.test(k))), "no token or key is in a ConfigMap");
  });

  it("jaeger: every LECTRA service exports to the in-cluster Jaeger, which serves OTLP/HTTP and its UI", () => {
    const r = render("overlays/jaeger");
    for (const name of ["orchestrator", ...STATELESS_NAMES]) {
      assert.equal(environment(r, workload(r, name)).get("OTEL_EXPORTER_OTLP_ENDPOINT"), "http://jaeger:4318", name);
    }
    const jaeger = workload(r, "jaeger");
    assert.match(jaeger.container.image ?? "", /^jaegertracing\/jaeger:2\./, "Jaeger v2");
    const ports = service(r, "jaeger").spec?.ports?.map((p) => p.port);
    assert.ok(ports?.includes(4318) && ports.includes(16686), `Service jaeger serves 4318 and 16686 (has ${ports})`);
  });

  it("ollama: llm calls the in-cluster Ollama, whose models persist on a claim", () => {
    const r = render("overlays/ollama");
    assert.equal(environment(r, workload(r, "llm")).get("OLLAMA_HOST"), "http://ollama:11434");
    const ollama = workload(r, "ollama");
    assert.ok(service(r, "ollama").spec?.ports?.some((p) => p.port === 11434), "Service ollama serves 11434");
    const mount = ollama.container.volumeMounts?.find((m) => m.mountPath === "/root/.ollama");
    const claim = ollama.pod.volumes?.find((v) => v.name === mount?.name)?.persistentVolumeClaim?.claimName;
    assert.ok(claim && r.claims.some((c) => c.metadata?.name === claim), "/root/.ollama is a PersistentVolumeClaim in the render");
  });

  it("gpu: video pods get one NVIDIA GPU, a GPU node and the driver's video capability; nothing else does", () => {
    const r = render("overlays/gpu");
    const video = workload(r, "video");
    assert.equal(String(video.container.resources?.limits?.["nvidia.com/gpu"]), "1", "limits nvidia.com/gpu: 1");
    assert.equal(String(video.container.resources?.requests?.["nvidia.com/gpu"] ?? 1), "1", "requests (if set) equal the limit");
    assert.ok(video.pod.tolerations?.some((t) => t.key === "nvidia.com/gpu"), "tolerates the nvidia.com/gpu taint");
    assert.ok(Object.keys(video.pod.nodeSelector ?? {}).length > 0, "a nodeSelector for GPU nodes");
    assert.match(environment(r, video).get("NVIDIA_DRIVER_CAPABILITIES") ?? "", /\bvideo\b/, "NVIDIA_DRIVER_CAPABILITIES has video (NVENC)");
    for (const w of workloads(r).filter((w) => w.name !== "video")) {
      assert.equal(w.container.resources?.limits?.["nvidia.com/gpu"], undefined, `${w.name} asks for no GPU`);
    }
  });

  it("scale: an autoscaler for each stateless service, owning its replica count; none for the orchestrator", () => {
    const r = render("overlays/scale");
    for (const name of STATELESS_NAMES) {
      const hpa = r.autoscalers.filter((h) => h.spec!.scaleTargetRef.kind === "Deployment" && h.spec!.scaleTargetRef.name === name);
      assert.equal(hpa.length, 1, `one HorizontalPodAutoscaler for ${name}`);
      const spec = hpa[0].spec!;
      assert.ok((spec.metrics ?? []).length > 0, `${name}'s autoscaler has a metric`);
      assert.ok(spec.maxReplicas >= (spec.minReplicas ?? 1), `${name}: maxReplicas >= minReplicas`);
      const deployment = r.deployments.find((d) => d.metadata?.name === name)!;
      assert.equal(deployment.spec!.replicas, undefined, `${name}'s Deployment leaves replicas to the autoscaler`);
    }
    assert.ok(!r.autoscalers.some((h) => h.spec!.scaleTargetRef.name === "orchestrator"), "the orchestrator is not scaled");
  });
});
