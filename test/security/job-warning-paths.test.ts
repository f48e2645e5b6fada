// A job warning's reason is the engine's own message (Ghostscript, MuPDF): a path it names, in the
// data folder or anywhere else on the server, is cut to its last component in every job answer,
// while the worded warning and the rest of the reason stay as they are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JobWarning } from "../../src/analysis/job-warnings.ts";
import type { AppContext } from "../../src/app/context.ts";
import { buildWebApp } from "../../src/web/app.ts";
import { tempContext } from "../helpers/temp-app.ts";

let ctx: AppContext;
let app: Awaited<ReturnType<typeof buildWebApp>>;
beforeAll(async () => {
  ctx = await tempContext();
  app = await buildWebApp(ctx, { logger: false });
});
afterAll(async () => {
  await app?.close();
  await ctx?.close();
});

describe("job warnings in the API", () => {
  it("name no server path in a reason, in the job and in the list", async () => {
    const job = await ctx.jobs.create({
      fileName: "0537_x.pdf",
      source: "test",
      sourcePath: null,
      fileDate: new Date().toISOString(),
    });
    const scratch = `${ctx.paths.work}/${job.id}/render-3/page-2.ppm`;
    const warnings: JobWarning[] = [
      {
        code: "no-proof",
        sheet: 2,
        reason: `Ghostscript: cannot open '${scratch}' (font /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf)`,
      },
      { code: "no-preview", reason: "Unrecoverable error, exit code 1 in /opt/gs-10/lib/gs_init.ps" },
      { code: "blank-plate", sheet: 1, ink: "Pantone 485 C" },
    ];
    await ctx.jobs.update(job.id, { status: "done", warnings: JSON.stringify(warnings) });
    const one = await app.inject({ method: "GET", url: `/api/jobs/${job.id}` });
    const list = await app.inject({ method: "GET", url: "/api/jobs" });
    expect(one.statusCode).toBe(200);
    expect(list.statusCode).toBe(200);
    const expected = [
      {
        code: "no-proof",
        sheet: 2,
        reason: "Ghostscript: cannot open '…/page-2.ppm' (font …/DejaVuSans.ttf)",
      },
      { code: "no-preview", reason: "Unrecoverable error, exit code 1 in …/gs_init.ps" },
      { code: "blank-plate", sheet: 1, ink: "Pantone 485 C" },
    ];
    expect(one.json().warnings).toEqual(expected);
    const listed = (list.json().jobs as { id: number; warnings: JobWarning[] }[]).find(
      (j) => j.id === job.id,
    );
    expect(listed?.warnings).toEqual(expected);
    for (const body of [one.body, list.body]) {
      expect(body).not.toContain("/usr/share/fonts");
      expect(body).not.toContain("/opt/gs-10");
      expect(body).not.toContain(ctx.paths.root);
    }
    // The stored row keeps the engine's full message for the server's own log and the admin.
    expect((await ctx.jobs.get(job.id))?.warnings).toContain("/usr/share/fonts/truetype/dejavu");
  });
});
