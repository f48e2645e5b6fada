// The composition root: opens the store, settings and queue and wires the job pipeline. Every role
// (web, worker, watcher, CLI) starts from here and takes only what it needs: commands that only read
// or write the journal open `openJournal` (journal.ts); the pipeline's steps (MuPDF, sharp) are
// imported when a job first runs, BullMQ only when a Redis URL asks for it.
import os from "node:os";
import path from "node:path";
import type { Logger } from "pino";
import type { Runtime } from "../config/runtime.ts";
import type { HotFolder, Settings } from "../config/settings-schema.ts";
import type { EventBus } from "../events/event-bus.ts";
import { createEventBus } from "../events/shared-event-bus.ts";
import { DeliveryService } from "../pipeline/delivery-service.ts";
import { JobRunner } from "../pipeline/runner.ts";
import { EmbeddedQueue } from "../queue/embedded-queue.ts";
import type { JobQueue } from "../queue/job-queue.ts";
import type { JobRow } from "../store/jobs.repository.ts";
import { type JournalContext, openJournal } from "./journal.ts";

export type { JournalContext } from "./journal.ts";

export interface AppContext extends JournalContext {
  events: EventBus & { close?: () => Promise<void> };
  queue: JobQueue;
  /** The job runner, made (with the pipeline's steps) when first asked for. */
  runner(): Promise<JobRunner>;
  deliveries: DeliveryService;
  hotFolders(s: Settings): (HotFolder & { abs: string })[];
}

export async function createContext(runtime: Runtime, logger: Logger): Promise<AppContext> {
  const journal = await openJournal(runtime, logger);
  const { paths, store, jobs, settings } = journal;
  // Shared across processes (Redis pub/sub, else PostgreSQL NOTIFY) so the web sees workers' progress.
  const events = await createEventBus({
    redisUrl: runtime.redisUrl,
    databaseUrl: runtime.databaseUrl,
    logger,
  });
  const workerId = `${os.hostname()}:${process.pid}`;
  const deliveries = new DeliveryService({ jobs, events, logger, settings, workerId });
  let runner: Promise<JobRunner> | null = null;
  const getRunner = () => {
    runner ??= import("../pipeline/job-steps.ts").then(
      ({ jobSteps }) =>
        new JobRunner({
          jobs,
          paths,
          events,
          logger,
          settings,
          steps: jobSteps(deliveries),
          jobTimeoutSec: runtime.jobTimeoutSec,
          diskWaitMs: runtime.diskWaitSec * 1000,
          onFailed: (job, s) => deliveries.notifyFailed(job, s),
          onWarnings: (job, s) => deliveries.notifyWarnings(job, s),
          onWaiting: (job, s) => deliveries.notifyWarnings(job, s),
        }),
    );
    return runner;
  };
  const run = async (job: JobRow) => (await getRunner()).run(job);
  const queue: JobQueue = runtime.redisUrl
    ? new (await import("../queue/bullmq-queue.ts")).BullmqQueue({
        redisUrl: runtime.redisUrl,
        jobs,
        run,
        logger,
        workerId,
        lockMs: runtime.queueLockSec * 1000,
      })
    : new EmbeddedQueue(jobs, store.engine, run, logger, workerId);
  const ctx: AppContext = {
    ...journal,
    events,
    queue,
    runner: getRunner,
    deliveries,
    hotFolders: (s) => {
      const list = s.hotFolders.length
        ? s.hotFolders
        : [{ path: "input", importMode: false, polling: false }];
      return list.map((h) => ({ ...h, abs: path.resolve(paths.root, h.path) }));
    },
    async close() {
      await queue.stop();
      deliveries.stop();
      await events.close?.();
      await store.close();
    },
  };
  return ctx;
}
