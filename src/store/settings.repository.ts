// Settings live in one row as JSON with secrets sealed; readers get them opened.
import type { Kysely } from "kysely";
import { decryptSecret, encryptSecret } from "../config/secrets.ts";
import { checkSettings } from "../config/settings-file.ts";
import { defaultSettings, type Settings } from "../config/settings-schema.ts";
import { openSecrets, sealSecrets } from "../config/settings-secrets.ts";
import { liftUrlPasswords } from "../config/url-passwords.ts";
import { nowIso } from "../util/time.ts";
import type { DB } from "./schema.ts";

const KEY = "settings";

export class SettingsRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly key: Buffer,
  ) {}

  async get(): Promise<Settings> {
    const row = await this.db
      .selectFrom("settings")
      .select("value")
      .where("key", "=", KEY)
      .executeTakeFirst();
    if (!row) return defaultSettings();
    const stored = checkSettings(JSON.parse(row.value));
    const opened = openSecrets(stored, (v) => decryptSecret(this.key, v));
    // A document stored before URL passwords were lifted out holds them in clear: sealed now.
    const lifted = liftUrlPasswords(opened);
    return lifted === opened ? opened : this.save(lifted);
  }

  /** Whether this server's key opens a sealed secret (an import may carry another server's). */
  readonly canOpen = (sealed: string): boolean => {
    try {
      decryptSecret(this.key, sealed);
      return true;
    } catch {
      return false;
    }
  };

  /**
   * Validates, seals and stores the whole document in one statement: nothing is half-saved. A secret
   * sealed with another key is a problem named by its path, never stored (it could not be used).
   */
  async save(settings: unknown): Promise<Settings> {
    const checked = liftUrlPasswords(checkSettings(settings, { canOpen: this.canOpen }));
    const sealed = sealSecrets(checked, (v) => encryptSecret(this.key, decryptSecret(this.key, v)));
    const value = JSON.stringify(sealed);
    const at = nowIso();
    await this.db
      .insertInto("settings")
      .values({ key: KEY, value, updated_at: at })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: at }))
      .execute();
    return checked;
  }

  /** The stored document with secrets still sealed, for export to YAML. */
  async getSealed(): Promise<Settings> {
    const row = await this.db
      .selectFrom("settings")
      .select("value")
      .where("key", "=", KEY)
      .executeTakeFirst();
    if (!row) return defaultSettings();
    const stored = checkSettings(JSON.parse(row.value));
    if (liftUrlPasswords(stored) === stored) return stored;
    await this.get(); // an older document with a password in a URL: lifted out and sealed first
    return this.getSealed();
  }
}
