// Which workspaces the image of one service is built from, read from the
// manifests (package.json dependencies, tsconfig.json references) so that a
// library added or dropped needs no edit to deploy/Dockerfile, which runs this
// on a copy of the build context:
//
//   node workspaces.mjs <service> <context> <out>      <service>: a folder of services/
//
// It writes
//   <out>/runtime/             what `npm ci --omit=dev` installs from: the root's manifests and those
//                              of the service and of every workspace it depends on, transitively
//   <out>/build/               the same and the manifests of what the build needs besides (the test
//                              libraries): devDependencies and tsconfig references, transitively
//   <out>/sources/             the folders of the workspaces in build/
//   <out>/runtime-workspaces   the folders of the workspaces in runtime/, one a line
//
// runtime/ and build/ hold manifests only: Docker caches a COPY by what it
// copies, so the installs made from them are redone only when a manifest of
// this service's workspaces, or the lock, changes.
import * as fs from "node:fs";
import * as path from "node:path";

const [service, context, out] = process.argv.slice(2);
if (!service || !context || !out) {
  console.error("usage: node workspaces.mjs <service> <context> <out>");
  process.exit(2);
}

/** The root's files that npm reads: the workspaces, the lock, the settings. */
const ROOT_MANIFESTS = ["package.json", "package-lock.json", ".npmrc"];

const readJson = (file) => JSON.parse(fs.readFileSync(path.join(context, file), "utf8"));
const isFile = (file) => fs.statSync(path.join(context, file), { throwIfNoEntry: false })?.isFile() ?? false;

// Every workspace in the context, found as npm finds them: the root's
// `workspaces`, each a folder or `folder/*`. .dockerignore leaves out those
// no image is built from (cli, tests, bench).
const folderOf = new Map(); // package name -> folder
for (const pattern of readJson("package.json").workspaces) {
  const parent = pattern.endsWith("/*") ? pattern.slice(0, -2) : null;
  const folders = !parent
    ? [pattern]
    : fs.existsSync(path.join(context, parent))
      ? fs.readdirSync(path.join(context, parent), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => `${parent}/${e.name}`)
      : [];
  for (const folder of folders) {
    if (isFile(`${folder}/package.json`)) folderOf.set(readJson(`${folder}/package.json`).name, folder);
  }
}
const workspaceFolders = new Set(folderOf.values());

const start = `services/${service}`;
if (!workspaceFolders.has(start)) {
  const services = [...workspaceFolders].filter((f) => f.startsWith("services/")).map((f) => f.slice("services/".length));
  console.error(`workspaces.mjs: SERVICE=${service} is no folder of services/ with a package.json; one of: ${services.join(", ")}`);
  process.exit(2);
}

/** The workspaces among `dependencies`' keys, as folders. */
const workspacesIn = (dependencies = {}) => Object.keys(dependencies).flatMap((name) => (folderOf.has(name) ? [folderOf.get(name)] : []));

/** What a workspace needs at run time: its dependencies and optionalDependencies that are workspaces. */
function runtimeNeeds(folder) {
  const manifest = readJson(`${folder}/package.json`);
  return [...workspacesIn(manifest.dependencies), ...workspacesIn(manifest.optionalDependencies)];
}

/** What compiling a workspace needs besides: its devDependencies, and the projects its tsconfig.json references. */
function buildNeeds(folder) {
  const manifest = readJson(`${folder}/package.json`);
  const references = isFile(`${folder}/tsconfig.json`) ? (readJson(`${folder}/tsconfig.json`).references ?? []) : [];
  const referenced = references.map(({ path: reference }) => {
    const target = path.posix.normalize(path.posix.join(folder, reference));
    const project = target.endsWith(".json") ? path.posix.dirname(target) : target;
    if (!workspaceFolders.has(project)) {
      throw new Error(`${folder}/tsconfig.json references ${reference}, which is no workspace in the build context`);
    }
    return project;
  });
  return [...runtimeNeeds(folder), ...workspacesIn(manifest.devDependencies), ...referenced];
}

/** `from` and every workspace reachable from it by `needs`, sorted. */
function closure(from, needs) {
  const found = new Set([from]);
  for (const folder of found) for (const next of needs(folder)) found.add(next);
  return [...found].sort();
}

const copy = (file, to) => fs.cpSync(path.join(context, file), path.join(out, to, file), { recursive: true });

function writeManifests(to, folders) {
  for (const file of ROOT_MANIFESTS) copy(file, to);
  for (const folder of folders) copy(`${folder}/package.json`, to);
}

const runtime = closure(start, runtimeNeeds);
const build = closure(start, buildNeeds);
fs.rmSync(out, { recursive: true, force: true });
writeManifests("runtime", runtime);
writeManifests("build", build);
for (const folder of build) copy(folder, "sources");
fs.writeFileSync(path.join(out, "runtime-workspaces"), `${runtime.join("\n")}\n`);
console.log(`${service}: runs with ${runtime.join(" ")}; built with ${build.filter((f) => !runtime.includes(f)).join(" ") || "nothing more"}`);
