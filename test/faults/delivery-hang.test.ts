// A delivery target that hangs: the bureau's FTP accepts the connection and then says nothing, for as
// long as it likes. The try times out (the target's timeoutSec), the job still ends done with the
// original archived, the delivery waits for its next try; when the server answers again the
// background retry loop sends the file — no restart, no "send again" needed.
import fs from "node:fs";
import fsp from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "../../src/app/context.ts";
import { type FtpSrvTest, startFtpSrv } from "../../src/delivery/testing/ftp-srv.ts";
import { DeliveryService } from "../../src/pipeline/delivery-service.ts";
import { tempContext, tempDir } from "../helpers/temp-app.ts";
import { until } from "../helpers/wait.ts";
import { dropSheet, finished, shopSettings } from "./harness.ts";

/** A TCP front for the FTP server: `hang` accepts and never replies; `forward` relays to `to`. */
async function frontDoor(
  to: number,
): Promise<{ port: number; mode: "hang" | "forward"; accepted: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const state = {
    port: 0,
    mode: "hang" as "hang" | "forward",
    accepted: 0,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = net.createServer((client) => {
    state.accepted++;
    sockets.add(client);
    client.on("close", () => sockets.delete(client));
    client.on("error", () => {});
    if (state.mode === "hang") return; // accept, read nothing back, never answer
    const upstream = net.connect(to, "127.0.0.1");
    sockets.add(upstream);
    upstream.on("error", () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  state.port = (server.address() as net.AddressInfo).port;
  return state;
}

describe("a delivery target that hangs", () => {
  let ctx: AppContext;
  let outside: string;
  let ftp: FtpSrvTest;
  let door: Awaited<ReturnType<typeof frontDoor>>;

  beforeAll(async () => {
    outside = tempDir("pdfupload-hang-");
    ftp = await startFtpSrv();
    door = await frontDoor(ftp.port);
    ctx = await tempContext(path.join(outside, "data"));
    const settings = shopSettings(outside);
    settings.targets[0] = {
      name: "bureau",
      url: `ftp://${ftp.user}@127.0.0.1:${door.port}/incoming`,
      password: ftp.password,
      timeoutSec: 2,
    };
    await ctx.settingsRepo.save(settings);
    ctx.queue.work(1);
    ctx.deliveries.start();
  });
  afterAll(async () => {
    await ctx?.close();
    await door?.close();
    await ftp?.stop();
    await fsp.rm(outside, { recursive: true, force: true });
  });

  it("holds a delivery while it is being sent, renewing the hold; a dead sender's hold runs out", async () => {
    const job = await ctx.jobs.create({ fileName: "0900_hold.pdf", source: "test", sourcePath: null });
    const local = path.join(outside, "hold.pdf");
    fs.writeFileSync(local, "%PDF-1.4\n%%EOF\n");
    const row = {
      job_id: job.id,
      kind: "bureau" as const,
      target: "bureau",
      remote_dir: "",
      remote_name: "0900_hold.pdf",
      local_path: local,
      state: "pending" as const,
      attempts: 0,
      next_at: new Date().toISOString(),
      error: null,
      reply: null,
      sent_at: null,
    };
    const d = await ctx.jobs.addDelivery(row);
    const holdMs = 400;
    const sender = new DeliveryService({
      jobs: ctx.jobs,
      events: ctx.events,
      logger: ctx.logger,
      settings: () => ctx.settings(),
      holdMs,
    });
    const trying = sender.attempt(d.id); // the door hangs: the upload runs for its 2 s timeout
    await new Promise((r) => setTimeout(r, 3 * holdMs));
    // Three holds later another worker still cannot take it: the sender keeps renewing.
    expect(await ctx.jobs.claimDelivery(d.id, holdMs, "other:1")).toBeNull();
    await trying;
    // A claim with no sender behind it (a worker killed mid-send) is free again once its hold runs out.
    const orphan = await ctx.jobs.addDelivery(row);
    expect(await ctx.jobs.claimDelivery(orphan.id, holdMs, "killed:1")).toEqual({ interrupted: null });
    expect(await ctx.jobs.claimDelivery(orphan.id, holdMs, "other:1")).toBeNull();
    await new Promise((r) => setTimeout(r, holdMs + 100));
    // The next claim learns that the killed try never recorded its end: it looks before sending.
    expect(await ctx.jobs.claimDelivery(orphan.id, holdMs, "other:1")).toEqual({ interrupted: "killed:1" });
    await ctx.jobs.updateDelivery(orphan.id, { state: "skipped", next_at: null });
  }, 30_000);

  it("times out, finishes the job, and sends the file once the server answers again", async () => {
    const job = await dropSheet(ctx, path.join(outside, "in"));
    const done = await finished(ctx, job.id);
    expect(done.status, `${done.error_code}: ${done.error_message}`).toBe("done"); // a silent bureau never holds up the journal
    expect(fs.existsSync(done.final_path as string)).toBe(true);
    expect(door.accepted).toBeGreaterThan(0);

    const [bureau] = (await ctx.jobs.deliveries(job.id)).filter((d) => d.kind === "bureau");
    expect(bureau.state).toBe("pending");
    expect(bureau.attempts).toBe(1);
    expect(bureau.error).toMatch(/timeout|timed out/i);
    expect(Date.parse(bureau.next_at as string)).toBeGreaterThan(Date.now());
    const preview = (await ctx.jobs.deliveries(job.id)).find((d) => d.kind !== "bureau");
    expect(preview?.state).toBe("sent"); // the other target is not held up either

    door.mode = "forward"; // the bureau's server comes back
    await until(
      async () => (await ctx.jobs.delivery(bureau.id))?.state === "sent",
      90_000, // the first retry is 30 s out, the loop looks every 5 s
      "bureau delivery sent",
    );
    const sent = await ctx.jobs.delivery(bureau.id);
    expect(sent?.attempts).toBe(2);
    const remote = path.join(ftp.root, "incoming", sent?.remote_name as string);
    expect(fs.readFileSync(remote).equals(fs.readFileSync(done.final_path as string))).toBe(true);
  }, 150_000);
});
