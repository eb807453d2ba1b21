// Writes docs/theme.schema.json from the zod schema: `npx nx run themes:schema`.
import * as fs from "node:fs";
import { schemaFilePath, themeJsonSchema } from "./schema-file";

fs.writeFileSync(schemaFilePath(), themeJsonSchema());
console.log(`wrote ${schemaFilePath()}`);
