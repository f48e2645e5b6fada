// What `start`, `web`, `worker` and `watch` run: the roles, started together or apart, until a signal.
// Loaded only by those commands (serve.command.ts), so the other commands never load the server.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { type AppContext, createContext } from "../app/context.ts";
import { createLogger } from "../app/logger.ts";
import { readRuntime } from "../config/runtime.ts";
import { parseShopSettings, refusedFileMessage, SettingsError } from "../config/settings-file.ts";
import { sweepArchive } from "../files/archive-retention.ts";
import { sweepQuarantine } from "../files/quarantine-retention.ts";
import { HotFolderWatcher } from "../intake/hot-folder.ts";
import { GHOSTSCRIPT_HINT, ghostscriptAvailable } from "../pipeline/steps/render/ghostscript.ts";
import { holderAlive, parseHolder, requeueStale } from "../queue/stale-locks.ts";

export interface Roles {
  web: boolean;
  worker: boolean;
  watch: boolean;
  concurrency?: number;
}

/**
 * PDFUPLOAD_CONFIG: the file manages the settings. It replaces them at every start and reload
 * (SIGHUP), and the web refuses settings edits meanwhile (they would be lost at the next start). A
 * document that would empty the shop, fail to parse, or carry secrets this key cannot open is never
 * saved: the error says so and the database keeps its settings.
 */
async function importConfigFile(ctx: AppContext, file: string): Promise<void> {
  let settings: ReturnType<typeof parseShopSettings>;
  try {
    settings = parseShopSettings(fs.readFileSync(file, "utf8"), { canOpen: ctx.settingsRepo.canOpen });
  } catch (e) {
    if (e instanceof SettingsError) {
      const err = new SettingsError(e.problems);
      err.message = refusedFileMessage(`PDFUPLOAD_CONFIG ${file}`, e);
      throw err;
    }
    throw e;
  }
  await ctx.settingsRepo.save(settings);
}

/** First start: an admin login, printed once (or the one from PDFUPLOAD_ADMIN_PASSWORD). */
async function ensureAdmin(ctx: AppContext): Promise<void> {
  if ((await ctx.users.count()) > 0) return;
  const password = ctx.runtime.adminPassword ?? crypto.randomBytes(9).toString("base64url");
  await ctx.users.add("admin", password, "admin");
  const shown = ctx.runtime.adminPassword ? "(from PDFUPLOAD_ADMIN_PASSWORD)" : password;
  process.stdout.write(`\nFirst start: log in as user "admin" with password ${shown}\n\n`);
}

export async function startRoles(
  roles: Roles,
): Promise<{ ctx: AppContext; stop: () => Promise<void>; reload: () => Promise<void> }> {
  const runtime = readRuntime();
  const logger = createLogger(runtime.logLevel);
  const ctx = await createContext(runtime, logger);
  if (runtime.configFile) {
    try {
      await importConfigFile(ctx, runtime.configFile);
    } catch (e) {
      await ctx.close().catch(() => {});
      throw e;
    }
    logger.info({ file: runtime.configFile }, "settings imported from PDFUPLOAD_CONFIG");
  }
  await ctx.settings();
  if (!(await ghostscriptAvailable())) logger.warn(GHOSTSCRIPT_HINT);
  const stops: (() => Promise<void>)[] = [];

  if (roles.worker) {
    // Jobs a killed process left half-done go back to the queue and resume from their last step.
    // Only jobs whose holder is gone: another live worker's jobs stay its own. With BullMQ the
    // queue itself hands on a dead worker's jobs (lock expiry), so nothing is done here.
    const n = ctx.queue.kind === "embedded" ? await requeueStale(ctx.jobs) : 0;
    if (n) logger.info({ jobs: n }, "resuming interrupted jobs");
    // Deliveries a killed process on this host was sending: checked at their destination now.
    const held = await ctx.deliveries.releaseDeadHolds((h) => {
      const who = parseHolder(h);
      return !who || who.host !== os.hostname() || holderAlive(who.pid);
    });
    if (held) logger.info({ deliveries: held }, "checking interrupted deliveries at their destination");
    ctx.queue.work(roles.concurrency ?? runtime.concurrency);
    ctx.deliveries.start();
    // Archive and quarantine retention: at start, then every 6 hours.
    const sweep = async () => {
      try {
        const removed = await sweepArchive(ctx.jobs, ctx.paths, (await ctx.settings()).journal.archiveDays);
        if (removed) logger.info({ removed }, "archive: expired originals removed");
      } catch (e) {
        logger.warn({ err: e }, "archive sweep failed; will try again");
      }
      try {
        await sweepQuarantine(ctx, (await ctx.settings()).journal);
      } catch (e) {
        logger.warn({ err: e }, "quarantine sweep failed; will try again");
      }
    };
    void sweep();
    const sweepTimer = setInterval(sweep, 6 * 3600_000);
    sweepTimer.unref();
    stops.push(async () => clearInterval(sweepTimer));
  }
  let watcher: HotFolderWatcher | null = null;
  const startWatcher = async () => {
    const s = await ctx.settings();
    const w = new HotFolderWatcher(ctx, {
      folders: ctx.hotFolders(s),
      stableMs: runtime.stableSec * 1000,
      rescanMs: runtime.rescanSec * 1000,
      maxWaitMs: runtime.incompleteSec * 1000,
    });
    await w.start();
    watcher = w;
    logger.info({ folders: ctx.hotFolders(s).map((f) => f.abs) }, "watching hot folders");
  };
  if (roles.watch) {
    await startWatcher();
    stops.push(async () => {
      await watcher?.stop();
    });
  }
  if (roles.web) {
    await ensureAdmin(ctx);
    const { buildWebApp } = await import("../web/app.ts");
    const app = await buildWebApp(ctx);
    await app.listen({ port: runtime.port, host: runtime.host });
    stops.push(() => app.close());
    const shownHost = runtime.host === "0.0.0.0" ? "localhost" : runtime.host;
    process.stdout.write(
      `pdfupload ${roles.worker ? "" : "web "}listening on http://${shownHost}:${runtime.port}/\n`,
    );
  }
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    await ctx.close();
  };
  /** SIGHUP: re-import PDFUPLOAD_CONFIG (if set), drop cached settings, re-open the hot folders. */
  const reload = async () => {
    if (runtime.configFile) await importConfigFile(ctx, runtime.configFile);
    await ctx.settings();
    if (roles.watch) {
      await watcher?.stop();
      await startWatcher();
    }
    logger.info("settings reloaded");
  };
  return { ctx, stop, reload };
}

export function runUntilSignal(roles: Roles): Promise<void> {
  return startRoles(roles).then(({ ctx, stop, reload }) => {
    let stopping = false;
    const shutdown = (sig: string) => {
      if (stopping) {
        // A second signal: leave now. Unfinished jobs are handed on (BullMQ lock expiry, or the
        // next start's check for jobs whose holder is gone) and resume from their last step.
        ctx.logger.warn({ signal: sig }, "stopping at once: in-flight jobs will be handed back");
        process.exit(1);
      }
      stopping = true;
      ctx.logger.info({ signal: sig, inFlight: ctx.queue.active() }, "stopping: in-flight jobs finish first");
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    let reloading = Promise.resolve();
    process.on("SIGHUP", () => {
      reloading = reloading
        .then(reload)
        .catch((e) => ctx.logger.error({ err: e }, "reload failed; the previous settings stay"));
    });
  });
}
