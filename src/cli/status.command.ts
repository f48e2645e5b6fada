// `pdfupload status`: queue counts and the last jobs, like the seed's `rqinfo`.
import type { Command } from "commander";
import { withJournal } from "./open-context.ts";

export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description("queue counts and the last jobs")
    .option("-n, --last <n>", "how many recent jobs", (v) => Number(v), 10)
    .option("--json", "machine-readable output")
    .action(async (o: { last: number; json?: boolean }) => {
      await withJournal(async (ctx) => {
        const counts = await ctx.jobs.counts();
        const { rows } = await ctx.jobs.list({ limit: o.last });
        if (o.json) {
          process.stdout.write(
            `${JSON.stringify({ counts, jobs: rows.map((r) => ({ id: r.id, file: r.file_name, status: r.status, step: r.step, error: r.error_code })) })}\n`,
          );
          return;
        }
        process.stdout.write(
          `queued ${counts.queued}  processing ${counts.processing}  done ${counts.done}  failed ${counts.failed}  duplicate ${counts.duplicate}\n\n`,
        );
        for (const r of rows) {
          const what =
            r.status === "failed"
              ? `failed (${r.error_code})`
              : r.status === "processing"
                ? `processing: ${r.step}`
                : r.status;
          process.stdout.write(
            `#${r.id}  ${r.created_at.slice(0, 19).replace("T", " ")}  ${what.padEnd(22)} ${r.file_name}\n`,
          );
        }
      });
    });
}
