#!/usr/bin/env node
// The `lectra` command. The CLI is TypeScript compiled to dist/ by `npm run build`.
try {
  require.resolve("../dist/main.js");
} catch {
  console.error("lectra: the CLI is not built yet; run `npm run build` in the LECTRA checkout first.");
  process.exit(1);
}
require("../dist/main.js");
