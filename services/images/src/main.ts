// The images service: one picture per slide.
import { telemetry } from "./tracing";
import { ImagesServiceService } from "@lectra/proto";
import { createLogger, envInt, envString, runService, serviceAddress } from "@lectra/service-kit";
import type { PictureFinder } from "./engines/engine";
import { DEFAULT_ICON_COLOR, DEFAULT_ICON_SIZE, iconColor } from "./engines/icon-render";
import { iconFinder, loadIconSet } from "./engines/icons";
import { imagesHandlers } from "./handlers";

const log = createLogger("images");

async function main() {
  const style = {
    size: envInt("LECTRA_IMAGES_ICON_SIZE", DEFAULT_ICON_SIZE, { min: 16, max: 4096 }),
    color: iconColor(envString("LECTRA_IMAGES_ICON_COLOR", DEFAULT_ICON_COLOR)),
  };
  // Tried in order; the offline icon set comes last so every slide has a chance.
  const finders: PictureFinder[] = [iconFinder(loadIconSet(), style)];
  await runService({
    name: "images",
    address: serviceAddress("images"),
    telemetry,
    log,
    services: [{ name: "lectra.v1.ImagesService", definition: ImagesServiceService, implementation: imagesHandlers(finders, log) }],
  });
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
