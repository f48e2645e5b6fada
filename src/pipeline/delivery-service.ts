// Deliveries live beside the job: each is sent, retried with backoff and re-sent on its own, so a
// bureau's FTP being down for an hour never holds up the journal. Notifications follow outcomes.
import os from "node:os";
import type { Logger } from "pino";
import { type JobWarning, warningText } from "../analysis/job-warnings.ts";
import type { Analysis } from "../analysis/types.ts";
import type { Settings } from "../config/settings-schema.ts";
import { DeliveryError } from "../delivery/errors.ts";
import { type DeliveryReceipt, openDeliverer } from "../delivery/index.ts";
import type { EventBus } from "../events/event-bus.ts";
import { type NotifyEvent, notifyEvent } from "../notify/index.ts";
import { findBureau } from "../rules/fields.ts";
import { type DeliveryPlan, planDeliveries } from "../rules/plan.ts";
import { type PpfFile, planPpfDeliveries } from "../rules/plan-ppf.ts";
import type { DeliveryRow, JobRow, JobsRepository } from "../store/jobs.repository.ts";
import { findByName } from "../util/names.ts";
import { note, noteToColumn } from "../util/note.ts";
import { nowIso } from "../util/time.ts";

/** How long a delivery being sent is held from other workers; renewed every third of it. */
const HOLD_MS = 60_000;

export interface DeliveryServiceDeps {
  jobs: JobsRepository;
  events: EventBus;
  logger: Logger;
  settings: () => Promise<Settings>;
  /** Attempts before a delivery is given up as failed (with backoff: about a day). */
  maxAttempts?: number;
  pollMs?: number;
  /** Hold on a delivery being sent (default HOLD_MS); tests shorten it. */
  holdMs?: number;
  /** Who sends (`host:pid`), written on the delivery while a try is under way. */
  workerId?: string;
}

/** 30 s, 1 min, 2 min … capped at 30 min between tries. */
export function deliveryBackoffMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 30 * 60_000);
}

export class DeliveryService {
  private timer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<number>();

  constructor(private readonly deps: DeliveryServiceDeps) {}

  /**
   * Writes one delivery row per planned upload. Idempotent: a resumed job adds nothing twice, and a
   * "make missing outputs" run (whose deliveries that were not sent were removed) plans only those.
   */
  async plan(
    job: JobRow,
    analysis: Analysis,
    previewPath: string | null,
    settings: Settings,
    opts: {
      previewError?: string | null;
      /** Each sheet's CIP3 PPF (presses with ink zones): one more delivery to the press per file. */
      ppfs?: PpfFile[];
    } = {},
  ): Promise<DeliveryRow[]> {
    const existing = await this.deps.jobs.deliveries(job.id);
    const localOf = (p: DeliveryPlan & { localPath?: string }) =>
      p.localPath ?? (p.kind === "bureau" ? job.final_path : previewPath);
    // A resumed or "make missing outputs" run plans only what has no row yet (same kind, same file).
    const plans = [
      ...planDeliveries(analysis, settings, job.file_name),
      ...planPpfDeliveries(analysis, settings, job.file_name, opts.ppfs ?? []),
    ].filter(
      (p: DeliveryPlan & { localPath?: string }) =>
        !existing.some(
          (d) =>
            d.kind === (p.kind === "bureau" ? "bureau" : "press") &&
            (p.kind === "bureau" || d.local_path === (localOf(p) ?? "")),
        ),
    );
    if (!plans.length) return existing;
    const rows: DeliveryRow[] = [...existing];
    for (const p of plans as (DeliveryPlan & { localPath?: string })[]) {
      const local = localOf(p);
      // The press is told why it gets no preview (the original went to the bureau all the same).
      const noPreview = opts.previewError
        ? note("plan.no-preview-why", `no preview was made: ${opts.previewError}`, {
            detail: opts.previewError,
          })
        : note("plan.no-preview", "no preview was made");
      const reason = p.reason ?? (p.missing ? null : local ? null : noPreview);
      const missing = reason ? noteToColumn(reason) : p.missing;
      rows.push(
        await this.deps.jobs.addDelivery({
          job_id: job.id,
          kind: p.kind === "bureau" ? "bureau" : "press",
          target: p.target ?? "",
          remote_dir: p.remoteDir ?? "",
          remote_name: p.remoteName ?? "",
          local_path: local ?? "",
          state: missing ? "skipped" : "pending",
          attempts: 0,
          next_at: missing ? null : nowIso(),
          error: missing,
          reply: null,
          sent_at: null,
        }),
      );
    }
    return rows;
  }

  /** One try of one delivery; on a transient failure the next try is scheduled. */
  async attempt(id: number): Promise<DeliveryRow | undefined> {
    const { jobs, events, logger } = this.deps;
    if (this.inFlight.has(id)) return jobs.delivery(id);
    const holdMs = this.deps.holdMs ?? HOLD_MS;
    const claim = await jobs.claimDelivery(
      id,
      holdMs,
      this.deps.workerId ?? `${os.hostname()}:${process.pid}`,
    );
    if (!claim) return jobs.delivery(id);
    this.inFlight.add(id);
    let renew: NodeJS.Timeout | undefined;
    try {
      const d = (await jobs.delivery(id)) as DeliveryRow;
      // Held while we send, renewed as we go: a worker killed mid-send lets go within holdMs. A
      // renewal that lands after this try's result matches no row (it is tied to the try's attempts).
      renew = setInterval(() => {
        jobs.renewDeliveryHold(id, d.attempts, holdMs).catch(() => {});
      }, holdMs / 3);
      renew.unref();
      const settings = await this.deps.settings();
      const target = findByName(settings.targets, d.target);
      if (!target) {
        await jobs.updateDelivery(id, {
          state: "failed",
          error: noteToColumn(
            note("delivery.target-gone", `target "${d.target}" is no longer configured`, {
              target: d.target,
            }),
          ),
          next_at: null,
          sending_by: null,
        });
        return jobs.delivery(id);
      }
      const attempts = d.attempts + 1;
      const deliverer = openDeliverer(target);
      try {
        // A try that never recorded its end may have sent the file: look before sending it again
        // (a second arrival under the final name is imaged as a new order).
        const found = claim.interrupted
          ? await this.lookAtDestination(d, deliverer, claim.interrupted)
          : null;
        const receipt = found ?? (await deliverer.upload(d.local_path, d.remote_dir, d.remote_name));
        await jobs.updateDelivery(id, {
          state: "sent",
          attempts,
          error: null,
          reply: receipt.reply,
          sent_at: nowIso(),
          next_at: null,
          sending_by: null,
        });
        // The journal is read by clients: the place inside the target, not the server's path.
        const place = `${d.remote_dir ? `${d.remote_dir.replace(/\/+$/, "")}/` : ""}${d.remote_name}`;
        await jobs.log(
          d.job_id,
          "info",
          note(
            "log.delivered",
            `delivered to ${d.kind} ${d.target}: ${place}${found ? ` (${found.reply})` : ""}`,
            { kind: d.kind, target: d.target, place, found: found ? 1 : 0, holder: claim.interrupted ?? "" },
          ),
        );
        logger.info({ job: d.job_id, target: d.target, remote: receipt.remotePath }, "delivered");
        if (d.kind === "bureau") await this.notifyDelivered(d.job_id, settings);
      } catch (e) {
        const err = e as { message?: string; transient?: boolean; reply?: string; code?: unknown };
        // A transport's failure by its code, so the UI says it in words; its own message is the detail.
        const said =
          e instanceof DeliveryError
            ? noteToColumn(note(`delivery.${e.code}`, e.message, { detail: e.message }))
            : (err.message ?? String(e));
        const transient = err.transient !== false && attempts < (this.deps.maxAttempts ?? 40);
        const next = transient ? new Date(Date.now() + deliveryBackoffMs(attempts)).toISOString() : null;
        await jobs.updateDelivery(id, {
          state: transient ? "pending" : "failed",
          attempts,
          error: said,
          reply: err.reply ?? null,
          next_at: next,
          sending_by: null,
        });
        const msg = `delivery to ${d.kind} ${d.target} failed: ${err.message}${transient ? ` — next try ${next}` : ""}`;
        const what =
          e instanceof DeliveryError
            ? note(`delivery.${e.code}`, e.message, { detail: e.message })
            : (err.message ?? String(e));
        await jobs.log(
          d.job_id,
          transient ? "warn" : "error",
          note("log.delivery-failed", msg, {
            kind: d.kind,
            target: d.target,
            what,
            next: next ?? "",
            again: next ? 1 : 0,
          }),
        );
        logger.warn({ job: d.job_id, target: d.target }, msg);
      } finally {
        await deliverer.close().catch(() => {});
      }
      const row = await jobs.delivery(id);
      if (row) events.emit({ type: "delivery", id, jobId: row.job_id, state: row.state });
      return row;
    } finally {
      clearInterval(renew);
      this.inFlight.delete(id);
    }
  }

  /**
   * After an interrupted try: the receipt when the file is at its destination already (recorded as
   * sent with that reason), else null (the temp file left behind is gone; send again).
   */
  private async lookAtDestination(
    d: DeliveryRow,
    deliverer: ReturnType<typeof openDeliverer>,
    holder: string,
  ): Promise<DeliveryReceipt | null> {
    const a = await deliverer.checkArrival(d.local_path, d.remote_dir, d.remote_name);
    const temp = a.temp === "none" ? "" : `, temporary file ${a.temp}`;
    const seen = `${a.remoteBytes ?? "?"} of ${a.bytes} bytes by ${a.checkedBy}${temp}`;
    if (a.state === "arrived") {
      return {
        target: d.target,
        url: "",
        remotePath: a.remotePath,
        bytes: a.bytes,
        reply: `found at the destination after an interrupted try by ${holder}: ${seen}`,
      };
    }
    await this.deps.jobs.log(
      d.job_id,
      "warn",
      note(
        "log.delivery-interrupted",
        `delivery to ${d.kind} ${d.target} was interrupted (${holder}); destination ${a.state} (${seen}): sending again`,
        {
          kind: d.kind,
          target: d.target,
          holder,
          state: a.state,
          got: a.remoteBytes ?? "?",
          bytes: a.bytes,
          checkedBy: a.checkedBy,
          temp: a.temp,
        },
      ),
    );
    return null;
  }

  /** "Send again" (the operator's): resets one delivery and sends it now, replacing the file. */
  async resend(id: number): Promise<DeliveryRow | undefined> {
    const d = await this.deps.jobs.delivery(id);
    if (!d?.local_path) return d;
    await this.deps.jobs.updateDelivery(id, {
      state: "pending",
      next_at: nowIso(),
      error: null,
      sending_by: null,
    });
    return this.attempt(id);
  }

  /**
   * At a worker's start: deliveries a dead process on this host was sending are checked now rather
   * than when their hold runs out. Other hosts' holds run out by themselves (HOLD_MS).
   */
  releaseDeadHolds(alive: (holder: string) => boolean): Promise<number> {
    return this.deps.jobs.releaseDeliveryHolds((h) => !alive(h));
  }

  /** Background retries of due deliveries (every few seconds). */
  start(): void {
    const tick = async () => {
      try {
        for (const d of await this.deps.jobs.dueDeliveries()) await this.attempt(d.id);
      } catch (e) {
        this.deps.logger.warn({ err: e }, "delivery retry loop");
      }
      if (this.timer) this.timer = setTimeout(tick, this.deps.pollMs ?? 5000);
    };
    this.timer = setTimeout(tick, this.deps.pollMs ?? 5000);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async notify(
    job: JobRow,
    event: NotifyEvent,
    settings: Settings,
    extra: Record<string, unknown> = {},
  ) {
    if (job.import_mode) return;
    const analysis = job.analysis ? (JSON.parse(job.analysis) as Analysis) : null;
    const bureau = findBureau(settings, job.bureau);
    if (bureau?.test) return;
    const fields = {
      file: job.file_name,
      order: analysis?.order ?? job.order_no ?? "",
      orderName: analysis?.orderName ?? "",
      plates: job.plates ?? 0,
      pages: job.pages ?? 0,
      press: job.press ?? "",
      bureau: job.bureau ?? "",
      error: job.error_message ?? "",
      duplicateOf: job.duplicate_of ?? "",
      job: job.id,
      ...extra,
    };
    const results = await notifyEvent(event, fields, settings);
    for (const r of results) {
      await this.deps.jobs.addNotification({
        job_id: job.id,
        event,
        recipient: r.recipient,
        channel: r.channel,
        ok: r.ok ? 1 : 0,
        reply: r.reply ?? null,
        error: r.error ?? null,
      });
      if (!r.ok)
        await this.deps.jobs.log(
          job.id,
          "warn",
          note("log.notify-failed", `notification ${r.channel} to ${r.recipient} failed: ${r.error}`, {
            channel: r.channel,
            recipient: r.recipient,
            detail: String(r.error ?? ""),
          }),
        );
    }
  }

  async notifyDelivered(jobId: number, settings: Settings): Promise<void> {
    const job = await this.deps.jobs.get(jobId);
    if (job)
      await this.notify(job, "delivered", settings).catch((e) => this.deps.logger.warn({ err: e }, "notify"));
  }

  /**
   * A job that is done with warnings (blank or missing plates, outputs not made) or waits for a
   * bureau: `{warnings}` is one line per warning, `{warningCodes}` their codes.
   */
  async notifyWarnings(job: JobRow, settings: Settings): Promise<void> {
    const list: JobWarning[] = job.warnings ? (JSON.parse(job.warnings) as JobWarning[]) : [];
    const lines = list.map(warningText);
    if (job.status === "needs-bureau" && job.error_message) lines.unshift(job.error_message);
    if (!lines.length) return;
    await this.notify(job, "warning", settings, {
      warnings: lines.join("; "),
      warningCodes: [
        ...new Set([...(job.status === "needs-bureau" ? [job.error_code] : []), ...list.map((w) => w.code)]),
      ].join(","),
    }).catch((e) => this.deps.logger.warn({ err: e }, "notify"));
  }

  async notifyFailed(job: JobRow, settings: Settings): Promise<void> {
    const event: NotifyEvent = job.error_code === "duplicate" ? "duplicate" : "failed";
    await this.notify(job, event, settings).catch((e) => this.deps.logger.warn({ err: e }, "notify"));
  }
}
