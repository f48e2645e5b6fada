// The journal alone: the store, its repositories and the shop's settings. What commands that only read
// or write the journal (status, config, user) open, without the queue, the pipeline or any transport.
import type { Logger } from "pino";
import { type DataPaths, dataPaths, type Runtime } from "../config/runtime.ts";
import { loadOrCreateKey } from "../config/secrets.ts";
import type { Settings } from "../config/settings-schema.ts";
import { openStore, type Store } from "../store/db.ts";
import { JobsRepository } from "../store/jobs.repository.ts";
import { SettingsRepository } from "../store/settings.repository.ts";
import { UsersRepository } from "../store/users.repository.ts";

export interface JournalContext {
  runtime: Runtime;
  paths: DataPaths;
  logger: Logger;
  store: Store;
  jobs: JobsRepository;
  users: UsersRepository;
  settingsRepo: SettingsRepository;
  settings(): Promise<Settings>;
  close(): Promise<void>;
}

export async function openJournal(runtime: Runtime, logger: Logger): Promise<JournalContext> {
  const paths = dataPaths(runtime.dataDir);
  const key = loadOrCreateKey(paths.keyFile);
  const store = await openStore({
    databaseUrl: runtime.databaseUrl,
    sqlitePath: paths.sqlite,
    poolMax: runtime.dbPoolMax,
  });
  const settingsRepo = new SettingsRepository(store.db, key);
  return {
    runtime,
    paths,
    logger,
    store,
    jobs: new JobsRepository(store.db),
    users: new UsersRepository(store.db),
    settingsRepo,
    // Read fresh each time (one small row): a job must see what the admin saved a moment ago.
    settings: () => settingsRepo.get(),
    close: () => store.close(),
  };
}
