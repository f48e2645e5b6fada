// Admin: the settings document (secrets never sent back), YAML import/export, connection tests,
// users and the audit log.
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import {
  checkSettings,
  parseSettingsYaml,
  SettingsError,
  settingsToYaml,
} from "../../config/settings-file.ts";
import { keepMaskedSecrets, redactSecrets } from "../../config/settings-secrets.ts";
import { liftUrlPasswords } from "../../config/url-passwords.ts";
import { ROLES } from "../../store/users.repository.ts";
import { findByName } from "../../util/names.ts";
import { note } from "../../util/note.ts";
import { journalReader, requireRole, SESSION_COOKIE } from "../auth.ts";
import { parseOr400 } from "../validate.ts";

/** The sections a PUT must carry: it replaces the document, so a missing one would empty it. */
const WHOLE = ["presses", "bureaus", "targets"] as const;

function wholeDocument(body: unknown): unknown {
  const doc = body !== null && typeof body === "object" && !Array.isArray(body) ? body : null;
  const missing = WHOLE.filter((k) => !Array.isArray((doc as Record<string, unknown> | null)?.[k]));
  if (missing.length)
    throw new SettingsError(
      missing.map((k) => ({
        path: k,
        value: (doc as Record<string, unknown> | null)?.[k],
        expected: "a list (the whole settings document is sent; [] for none)",
      })),
    );
  return doc;
}

export async function settingsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole("admin");
  // Presses and bureaus by name, for the journal's filters: as open as the journal.
  app.get("/api/lookups", { preHandler: journalReader(ctx) }, async () => {
    const s = await ctx.settings();
    return { presses: s.presses.map((p) => p.name), bureaus: s.bureaus.map((b) => b.name) };
  });

  app.get("/api/settings", { preHandler: admin }, async () => redactSecrets(await ctx.settings()));
  /** Where the settings come from: a file (PDFUPLOAD_CONFIG) that manages them, or this database. */
  app.get("/api/settings/source", { preHandler: admin }, async () => ({ file: ctx.runtime.configFile }));

  // With PDFUPLOAD_CONFIG the file is put back at every start and reload: an edit here would be
  // lost silently, so it is refused and the admin is told where to make it.
  const managedByFile = (reply: FastifyReply) =>
    ctx.runtime.configFile
      ? reply.code(409).send({
          error: {
            code: "settings-file",
            message: `The settings are managed by ${ctx.runtime.configFile} (PDFUPLOAD_CONFIG); edit that file and reload the server.`,
            file: ctx.runtime.configFile,
          },
        })
      : null;

  const save = async (doc: unknown, user: string | null, action: string) => {
    // Checked before anything reads it (a document without `targets` is a 400, not a crash); a
    // password typed into a target URL replaces the masked one before the mask is resolved.
    const checked = liftUrlPasswords(checkSettings(doc));
    const stored = await ctx.settings();
    const merged = keepMaskedSecrets(checked, stored);
    const saved = await ctx.settingsRepo.save(merged);
    await ctx.users.audit(user, action);
    return redactSecrets(saved);
  };
  const refuse = (e: unknown) => {
    if (e instanceof SettingsError)
      return {
        error: {
          code: e.code,
          message: "The settings were refused; nothing was saved.",
          problems: e.problems,
        },
      };
    throw e;
  };

  app.put("/api/settings", { preHandler: admin }, async (req, reply) => {
    const managed = managedByFile(reply);
    if (managed) return managed;
    try {
      return await save(wholeDocument(req.body), req.user?.name ?? null, "settings.save");
    } catch (e) {
      return reply.code(400).send(refuse(e));
    }
  });

  app.get("/api/settings/export", { preHandler: admin }, async (_req, reply) => {
    reply.header("content-disposition", 'attachment; filename="pdfupload-settings.yaml"');
    return reply.type("application/yaml").send(settingsToYaml(await ctx.settingsRepo.getSealed()));
  });

  app.post("/api/settings/import", { preHandler: admin }, async (req, reply) => {
    const managed = managedByFile(reply);
    if (managed) return managed;
    const text = typeof req.body === "string" ? req.body : (req.body as { yaml?: string })?.yaml;
    if (!text)
      return reply.code(400).send({ error: { code: "bad-request", message: "Send the YAML text." } });
    try {
      // Every problem in one pass, secrets sealed with another server's key among them.
      const doc = parseSettingsYaml(text, { canOpen: ctx.settingsRepo.canOpen });
      return await save(doc, req.user?.name ?? null, "settings.import");
    } catch (e) {
      return reply.code(400).send(refuse(e));
    }
  });

  app.post("/api/targets/:name/test", { preHandler: admin }, async (req, reply) => {
    const p = parseOr400(z.object({ name: z.string() }), req.params, reply);
    if (!p) return;
    const target = findByName((await ctx.settings()).targets, p.name);
    if (!target)
      return reply.code(404).send({ error: { code: "not-found", message: `No target ${p.name}.` } });
    const { openDeliverer } = await import("../../delivery/index.ts");
    const d = openDeliverer(target);
    try {
      return { ok: true, reply: await d.test() };
    } catch (e) {
      const { DeliveryError } = await import("../../delivery/errors.ts");
      const message = (e as Error).message;
      // The failure by its transport code (the UI words it); the server's own message is the detail.
      const reason =
        e instanceof DeliveryError ? note(`delivery.${e.code}`, message, { detail: message }) : undefined;
      return { ok: false, error: message, ...(reason ? { reason } : {}) };
    } finally {
      await d.close().catch(() => {});
    }
  });

  app.get("/api/users", { preHandler: admin }, async () => ctx.users.list());
  app.post("/api/users", { preHandler: admin }, async (req, reply) => {
    const b = parseOr400(
      z.object({
        name: z.string().min(1).max(64),
        password: z.string().min(8),
        role: z.enum(ROLES as [string, ...string[]]),
      }),
      req.body,
      reply,
    );
    if (!b) return;
    const user = await ctx.users.add(b.name, b.password, b.role as never).catch(() => null);
    if (!user) return reply.code(409).send({ error: { code: "exists", message: `User ${b.name} exists.` } });
    await ctx.users.audit(req.user?.name ?? null, "user.add", { name: b.name, role: b.role });
    return reply.code(201).send(user);
  });
  // A new password, a new role or disabling ends the user's sessions; an admin editing their own
  // account keeps the session they do it from.
  app.patch("/api/users/:id", { preHandler: admin }, async (req, reply) => {
    const p = parseOr400(z.object({ id: z.coerce.number().int() }), req.params, reply);
    const b = parseOr400(
      z.object({
        role: z.enum(ROLES as [string, ...string[]]).optional(),
        password: z.string().min(8).optional(),
        disabled: z.boolean().optional(),
      }),
      req.body,
      reply,
    );
    if (!p || !b) return;
    const user = (await ctx.users.list()).find((u) => u.id === p.id);
    if (!user) return reply.code(404).send({ error: { code: "not-found", message: "No such user." } });
    const self = p.id === req.user?.id;
    if (self && b.disabled)
      return reply
        .code(409)
        .send({ error: { code: "self-disable", message: "You cannot disable yourself." } });
    const keep = self ? req.cookies[SESSION_COOKIE] : undefined;
    if (b.role) await ctx.users.setRole(p.id, b.role as never, keep);
    if (b.password) await ctx.users.setPassword(user.name, b.password, keep);
    if (b.disabled !== undefined) await ctx.users.setDisabled(p.id, b.disabled);
    await ctx.users.audit(req.user?.name ?? null, "user.edit", {
      id: p.id,
      role: b.role,
      password: b.password ? "changed" : undefined,
      disabled: b.disabled,
    });
    return { ok: true };
  });
  app.delete("/api/users/:id", { preHandler: admin }, async (req, reply) => {
    const p = parseOr400(z.object({ id: z.coerce.number().int() }), req.params, reply);
    if (!p) return;
    if (p.id === req.user?.id)
      return reply.code(409).send({ error: { code: "self", message: "You cannot delete yourself." } });
    await ctx.users.remove(p.id);
    await ctx.users.audit(req.user?.name ?? null, "user.delete", { id: p.id });
    return { ok: true };
  });

  app.get("/api/audit", { preHandler: admin }, async () =>
    ctx.store.db.selectFrom("audit").selectAll().orderBy("id", "desc").limit(500).execute(),
  );
}
