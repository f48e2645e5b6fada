// The composition root: opens the store, settings and queue and wires the job pipeline. Every role
// (web, worker, watcher, CLI) starts from here and takes only what it needs.
import os from "node:os";
import path from "node:path";
import type { Logger } from "pino";
import { type DataPaths, dataPaths, type Runtime } from "../config/runtime.ts";
import { loadOrCreateKey } from "../config/secrets.ts";
import type { HotFolder, Settings } from "../config/settings-schema.ts";
import type { EventBus } from "../events/event-bus.ts";
import { createEventBus } from "../events/shared-event-bus.ts";
import { DeliveryService } from "../pipeline/delivery-service.ts";
import { jobSteps } from "../pipeline/job-steps.ts";
import { JobRunner } from "../pipeline/runner.ts";
import { BullmqQueue } from "../queue/bullmq-queue.ts";
import { EmbeddedQueue } from "../queue/embedded-queue.ts";
import type { JobQueue } from "../queue/job-queue.ts";
import { openStore, type Store } from "../store/db.ts";
import { JobsRepository } from "../store/jobs.repository.ts";
import { SettingsRepository } from "../store/settings.repository.ts";
import { UsersRepository } from "../store/users.repository.ts";

export interface AppContext {
  runtime: Runtime;
  paths: DataPaths;
  logger: Logger;
  store: Store;
  jobs: JobsRepository;
  users: UsersRepository;
  settingsRepo: SettingsRepository;
  settings(): Promise<Settings>;
  events: EventBus & { close?: () => Promise<void> };
  queue: JobQueue;
  runner: JobRunner;
  deliveries: DeliveryService;
  hotFolders(s: Settings): (HotFolder & { abs: string })[];
  close(): Promise<void>;
}

export async function createContext(runtime: Runtime, logger: Logger): Promise<AppContext> {
  const paths = dataPaths(runtime.dataDir);
  const key = loadOrCreateKey(paths.keyFile);
  const store = await openStore({
    databaseUrl: runtime.databaseUrl,
    sqlitePath: paths.sqlite,
    poolMax: runtime.dbPoolMax,
  });
  const jobs = new JobsRepository(store.db);
  const users = new UsersRepository(store.db);
  const settingsRepo = new SettingsRepository(store.db, key);
  // Shared across processes (Redis pub/sub, else PostgreSQL NOTIFY) so the web sees workers' progress.
  const events = await createEventBus({
    redisUrl: runtime.redisUrl,
    databaseUrl: runtime.databaseUrl,
    logger,
  });
  // Read fresh each time (one small row): a job must see what the admin saved a moment ago.
  const settings = () => settingsRepo.get();
  const workerId = `${os.hostname()}:${process.pid}`;
  const deliveries = new DeliveryService({ jobs, events, logger, settings, workerId });
  const runner = new JobRunner({
    jobs,
    paths,
    events,
    logger,
    settings,
    steps: jobSteps(deliveries),
    jobTimeoutSec: runtime.jobTimeoutSec,
    onFailed: (job, s) => deliveries.notifyFailed(job, s),
  });
  const queue: JobQueue = runtime.redisUrl
    ? new BullmqQueue({
        redisUrl: runtime.redisUrl,
        jobs,
        run: (job) => runner.run(job),
        logger,
        workerId,
        lockMs: runtime.queueLockSec * 1000,
      })
    : new EmbeddedQueue(jobs, store.engine, (job) => runner.run(job), logger, workerId);
  const ctx: AppContext = {
    runtime,
    paths,
    logger,
    store,
    jobs,
    users,
    settingsRepo,
    settings,
    events,
    queue,
    runner,
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
