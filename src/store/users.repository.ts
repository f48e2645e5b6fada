// Users, roles and login sessions. Passwords are argon2id hashes; session tokens are stored hashed.
import crypto from "node:crypto";
import type { Kysely } from "kysely";
import { isoIn, nowIso } from "../util/time.ts";
import type { DB, UsersTable } from "./schema.ts";

export type Role = UsersTable["role"];
export const ROLES: Role[] = ["viewer", "operator", "admin"];

// The native hasher is loaded on the first password, not by every command that opens the journal.
const argon2 = () => import("@node-rs/argon2");

export interface User {
  id: number;
  name: string;
  role: Role;
}

export interface Account extends User {
  disabled: boolean;
}

/** Ends the sessions of one user, but the one with `keepToken` (if given). */
async function endSessionsOf(db: Kysely<DB>, userId: number, keepToken?: string): Promise<void> {
  let q = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (keepToken) q = q.where("token_hash", "!=", sha(keepToken));
  await q.execute();
}

const sha = (s: string) => crypto.createHash("sha256").update(s).digest("hex");
const SESSION_MS = 14 * 24 * 3600 * 1000;

export class UsersRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom("users")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async list(): Promise<Account[]> {
    const rows = await this.db
      .selectFrom("users")
      .select(["id", "name", "role", "disabled"])
      .orderBy("name")
      .execute();
    return rows.map((r) => ({ ...r, disabled: !!r.disabled }));
  }

  async add(name: string, password: string, role: Role): Promise<User> {
    const row = await this.db
      .insertInto("users")
      .values({ name, password_hash: await (await argon2()).hash(password), role, created_at: nowIso() })
      .returning(["id", "name", "role"])
      .executeTakeFirstOrThrow();
    return row;
  }

  /**
   * A new password ends every session of the user (an attacker who knew the old one is logged out),
   * except `keepToken`: the session of the user who changed it themselves.
   */
  async setPassword(name: string, password: string, keepToken?: string): Promise<boolean> {
    const hash = await (await argon2()).hash(password);
    return this.db.transaction().execute(async (tx) => {
      const row = await tx
        .updateTable("users")
        .set({ password_hash: hash })
        .where("name", "=", name)
        .returning("id")
        .executeTakeFirst();
      if (!row) return false;
      await endSessionsOf(tx, row.id, keepToken);
      return true;
    });
  }

  /** A new role takes effect at once: the user's sessions end (`keepToken` excepted). */
  async setRole(id: number, role: Role, keepToken?: string): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      const r = await tx
        .updateTable("users")
        .set({ role })
        .where("id", "=", id)
        .where("role", "!=", role)
        .execute();
      if (r.some((x) => Number(x.numUpdatedRows) > 0)) await endSessionsOf(tx, id, keepToken);
    });
  }

  /** A disabled user cannot log in, and is logged out everywhere. */
  async setDisabled(id: number, disabled: boolean): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable("users")
        .set({ disabled: disabled ? 1 : 0 })
        .where("id", "=", id)
        .execute();
      if (disabled) await endSessionsOf(tx, id);
    });
  }

  async remove(id: number): Promise<void> {
    await this.db.transaction().execute(async (tx) => {
      await endSessionsOf(tx, id);
      await tx.deleteFrom("users").where("id", "=", id).execute();
    });
  }

  async check(name: string, password: string): Promise<User | null> {
    const row = await this.db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
    if (!row || row.disabled) return null;
    return (await (await argon2()).verify(row.password_hash, password))
      ? { id: row.id, name: row.name, role: row.role }
      : null;
  }

  async createSession(userId: number): Promise<{ token: string; csrf: string }> {
    const token = crypto.randomBytes(32).toString("base64url");
    const csrf = crypto.randomBytes(24).toString("base64url");
    await this.db
      .insertInto("sessions")
      .values({
        token_hash: sha(token),
        user_id: userId,
        csrf,
        created_at: nowIso(),
        expires_at: isoIn(SESSION_MS),
      })
      .execute();
    return { token, csrf };
  }

  async session(token: string): Promise<(User & { csrf: string }) | null> {
    const row = await this.db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select(["users.id", "users.name", "users.role", "sessions.csrf", "sessions.expires_at"])
      .where("sessions.token_hash", "=", sha(token))
      .where("users.disabled", "=", 0)
      .executeTakeFirst();
    if (!row || row.expires_at < nowIso()) return null;
    return { id: row.id, name: row.name, role: row.role, csrf: row.csrf };
  }

  async endSession(token: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("token_hash", "=", sha(token)).execute();
  }

  async audit(userName: string | null, action: string, detail?: unknown): Promise<void> {
    await this.db
      .insertInto("audit")
      .values({
        at: nowIso(),
        user_name: userName,
        action,
        detail: detail === undefined ? null : JSON.stringify(detail),
      })
      .execute();
  }
}
