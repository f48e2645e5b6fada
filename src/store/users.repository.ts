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

  async list(): Promise<User[]> {
    return this.db.selectFrom("users").select(["id", "name", "role"]).orderBy("name").execute();
  }

  async add(name: string, password: string, role: Role): Promise<User> {
    const row = await this.db
      .insertInto("users")
      .values({ name, password_hash: await (await argon2()).hash(password), role, created_at: nowIso() })
      .returning(["id", "name", "role"])
      .executeTakeFirstOrThrow();
    return row;
  }

  async setPassword(name: string, password: string): Promise<boolean> {
    const r = await this.db
      .updateTable("users")
      .set({ password_hash: await (await argon2()).hash(password) })
      .where("name", "=", name)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async setRole(id: number, role: Role): Promise<void> {
    await this.db.updateTable("users").set({ role }).where("id", "=", id).execute();
  }

  async remove(id: number): Promise<void> {
    await this.db.deleteFrom("users").where("id", "=", id).execute();
  }

  async check(name: string, password: string): Promise<User | null> {
    const row = await this.db.selectFrom("users").selectAll().where("name", "=", name).executeTakeFirst();
    if (!row) return null;
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
