// `start` (all roles in one process), and the roles apart: `web`, `worker`, `watch`. The roles
// themselves (serve-roles.ts) are imported when one of these commands runs.
import type { Command } from "commander";
import type { Roles } from "./serve-roles.ts";

const run = async (roles: Roles) => (await import("./serve-roles.ts")).runUntilSignal(roles);

/** Starts the roles in this process (the e2e harness); see serve-roles.ts. */
export async function startRoles(roles: Roles) {
  return (await import("./serve-roles.ts")).startRoles(roles);
}

export function registerServeCommands(program: Command): void {
  program
    .command("start")
    .description("run web server, hot-folder watcher and workers in one process")
    .option("--concurrency <n>", "jobs processed at once", (v) => Number(v))
    .action((o: { concurrency?: number }) => run({ web: true, worker: true, watch: true, ...o }));
  program
    .command("web")
    .description("run only the web server and API")
    .action(() => run({ web: true, worker: false, watch: false }));
  program
    .command("worker")
    .description("run only job workers")
    .option("--concurrency <n>", "jobs processed at once", (v) => Number(v))
    .action((o: { concurrency?: number }) => run({ web: false, worker: true, watch: false, ...o }));
  program
    .command("watch")
    .description("run only the hot-folder watcher")
    .action(() => run({ web: false, worker: false, watch: true }));
}
