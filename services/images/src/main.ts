// The images service: one picture per slide.
import { telemetry } from "./tracing";
import { ImagesServiceService } from "@lectra/proto";
import { createLogger, envInt, envString, ResultCache, runService, listenAddress } from "@lectra/service-kit";
import { imagesConfig, type EngineName, type ImagesConfig } from "./config";
import type { PictureFinder } from "./engines/engine";
import { DEFAULT_ICON_COLOR, DEFAULT_ICON_SIZE, iconColor } from "./engines/icon-render";
import { iconFinder, loadIconSet } from "./engines/icons";
import { openverseApi } from "./engines/openverse";
import { webFinder } from "./engines/web-finder";
import { wikimediaApi } from "./engines/wikimedia";
import { imagesHandlers } from "./handlers";
import { SafeFetch } from "./net/safe-fetch";

const log = createLogger("images");

/** The finders in the configured order; one SafeFetch, and one limiter and breaker per web engine, for the whole process. */
function iconStyle() {
  return {
    size: envInt("LECTRA_IMAGES_ICON_SIZE", DEFAULT_ICON_SIZE, { min: 16, max: 4096 }),
    color: iconColor(envString("LECTRA_IMAGES_ICON_COLOR", DEFAULT_ICON_COLOR)),
  };
}

function buildFinders(config: ImagesConfig, style: ReturnType<typeof iconStyle>): PictureFinder[] {
  const net = new SafeFetch({
    timeoutMs: config.timeoutMs,
    maxBytes: config.maxBytes,
    allowLoopback: config.allowLoopback,
    userAgent: config.userAgent,
  });
  const web = { concurrency: config.concurrency, log };
  const finder: Record<EngineName, () => PictureFinder> = {
    wikimedia: () => webFinder(wikimediaApi(config.commonsApiUrl), net, web),
    openverse: () => webFinder(openverseApi(config.openverseApiUrl), net, web),
    icons: () => iconFinder(loadIconSet(), style),
  };
  return config.engines.map((name) => finder[name]());
}

async function main() {
  const config = imagesConfig();
  if (config.allowLoopback) {
    log.warn("LECTRA_IMAGES_ALLOW_LOOPBACK is set: picture searches and downloads may reach loopback addresses (127.0.0.0/8, ::1). For tests only; never set it in production");
  }
  const style = iconStyle();
  const finders = buildFinders(config, style);
  log.info("picture engines, in order", { engines: config.engines.join(",") });
  await runService({
    name: "images",
    address: listenAddress("images"),
    telemetry,
    log,
    services: [
      {
        name: "lectra.v1.ImagesService",
        definition: ImagesServiceService,
        implementation: imagesHandlers(finders, log, { webBudgetMs: config.webBudgetMs }, ResultCache.fromEnv("images", log), `${style.size} ${style.color}`),
      },
    ],
  });
}

main().catch((error) => {
  log.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
