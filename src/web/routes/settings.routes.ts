// Admin: the settings document (secrets never sent back), YAML import/export, connection tests,
// users and the audit log.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../../app/context.ts";
import { parseSettingsYaml, SettingsError, settingsToYaml } from "../../config/settings-file.ts";
import { keepMaskedSecrets, redactSecrets } from "../../config/settings-secrets.ts";
import { ROLES } from "../../store/users.repository.ts";
import { note } from "../../util/note.ts";
import { requireRole } from "../auth.ts";
import { parseOr400 } from "../validate.ts";

export async function settingsRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const admin = requireRole("admin");
  // Presses and bureaus by name are public enough for the journal's filters.
  app.get("/api/lookups", async () => {
    const s = await ctx.settings();
    return { presses: s.presses.map((p) => p.name), bureaus: s.bureaus.map((b) => b.name) };
  });

  app.get("/api/settings", { preHandler: admin }, async () => redactSecrets(await ctx.settings()));

  const save = async (doc: unknown, user: string | null, action: string) => {
    const stored = await ctx.settings();
    const merged = keepMaskedSecrets(doc as never, stored);
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
    try {
      return await save(req.body, req.user?.name ?? null, "settings.save");
    } catch (e) {
      return reply.code(400).send(refuse(e));
    }
  });

  app.get("/api/settings/export", { preHandler: admin }, async (_req, reply) => {
    reply.header("content-disposition", 'attachment; filename="pdfupload-settings.yaml"');
    return reply.type("application/yaml").send(settingsToYaml(await ctx.settingsRepo.getSealed()));
  });

  app.post("/api/settings/import", { preHandler: admin }, async (req, reply) => {
    const text = typeof req.body === "string" ? req.body : (req.body as { yaml?: string })?.yaml;
    if (!text)
      return reply.code(400).send({ error: { code: "bad-request", message: "Send the YAML text." } });
    try {
      return await save(parseSettingsYaml(text), req.user?.name ?? null, "settings.import");
    } catch (e) {
      return reply.code(400).send(refuse(e));
    }
  });

  app.post("/api/targets/:name/test", { preHandler: admin }, async (req, reply) => {
    const p = parseOr400(z.object({ name: z.string() }), req.params, reply);
    if (!p) return;
    const target = (await ctx.settings()).targets.find((t) => t.name === p.name);
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
  app.patch("/api/users/:id", { preHandler: admin }, async (req, reply) => {
    const p = parseOr400(z.object({ id: z.coerce.number().int() }), req.params, reply);
    const b = parseOr400(
      z.object({
        role: z.enum(ROLES as [string, ...string[]]).optional(),
        password: z.string().min(8).optional(),
      }),
      req.body,
      reply,
    );
    if (!p || !b) return;
    const user = (await ctx.users.list()).find((u) => u.id === p.id);
    if (!user) return reply.code(404).send({ error: { code: "not-found", message: "No such user." } });
    if (b.role) await ctx.users.setRole(p.id, b.role as never);
    if (b.password) await ctx.users.setPassword(user.name, b.password);
    await ctx.users.audit(req.user?.name ?? null, "user.edit", {
      id: p.id,
      role: b.role,
      password: b.password ? "changed" : undefined,
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
