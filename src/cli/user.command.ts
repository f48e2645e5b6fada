// `pdfupload user add|passwd`: accounts for the web UI.
import crypto from "node:crypto";
import type { Command } from "commander";
import { ROLES, type Role } from "../store/users.repository.ts";
import { withJournal } from "./open-context.ts";

export function registerUserCommands(program: Command): void {
  const user = program.command("user").description("manage web accounts");
  user
    .command("add")
    .argument("<name>")
    .option("--role <role>", `one of ${ROLES.join(", ")}`, "operator")
    .option("--password <password>", "password (generated and printed when omitted)")
    .action(async (name: string, o: { role: string; password?: string }) => {
      if (!ROLES.includes(o.role as Role)) throw new Error(`role must be one of ${ROLES.join(", ")}`);
      const password = o.password ?? crypto.randomBytes(9).toString("base64url");
      await withJournal((ctx) => ctx.users.add(name, password, o.role as Role));
      process.stdout.write(`user ${name} (${o.role}) added${o.password ? "" : `, password ${password}`}\n`);
    });
  user
    .command("passwd")
    .argument("<name>")
    .option("--password <password>", "new password (generated and printed when omitted)")
    .action(async (name: string, o: { password?: string }) => {
      const password = o.password ?? crypto.randomBytes(9).toString("base64url");
      const ok = await withJournal((ctx) => ctx.users.setPassword(name, password));
      if (!ok) throw new Error(`no user named ${name}`);
      process.stdout.write(`password of ${name} changed${o.password ? "" : ` to ${password}`}\n`);
    });
}
