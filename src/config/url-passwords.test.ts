// Passwords in target URLs: lifted into the sealed field on save, and out of a document an older
// version stored with them in clear the first time it is read.
import fsp from "node:fs/promises";
import { afterAll, describe, expect, it } from "vitest";
import { tempContext, tempDir } from "../../test/helpers/temp-app.ts";
import { SettingsError, settingsToYaml } from "./settings-file.ts";
import { hideUrlPassword, liftUrlPasswords } from "./url-passwords.ts";

const PW = "p@ss:w/rd-OLD-CLEAR";
const doc = (url: string) => ({
  bureaus: [{ name: "Leonov", target: "b" }],
  targets: [{ name: "b", url, password: "stale" }],
});

describe("passwords in target URLs", () => {
  const root = tempDir("pdfupload-urlpw-");
  afterAll(() => fsp.rm(root, { recursive: true, force: true }));

  it("moves the URL's password (%-decoded) into the password field, for every scheme", () => {
    for (const scheme of ["ftp", "ftps", "sftp"]) {
      const out = liftUrlPasswords(doc(`${scheme}://bob:${encodeURIComponent(PW)}@host:2121/in/дом`));
      expect(out.targets[0].url).toBe(`${scheme}://bob@host:2121/in/%D0%B4%D0%BE%D0%BC`);
      expect(out.targets[0].password).toBe(PW);
    }
    const plain = doc("ftp://bob@host/in");
    expect(liftUrlPasswords(plain)).toBe(plain); // nothing to move: the same document
    expect(liftUrlPasswords(doc("file:///srv/out")).targets[0].password).toBe("stale");
  });

  it("hides URL passwords in quoted text and in refusal reports", () => {
    expect(hideUrlPassword("see ftp://bob:secret@h/x and sftp://:x@h")).toBe(
      "see ftp://bob:********@h/x and sftp://:********@h",
    );
    const e = new SettingsError([
      { path: "targets[0].url", value: "ftp://bob:secret@h", expected: "x" },
      { path: "channels.sms.password", value: 42, expected: "a string" },
    ]);
    expect(e.message).not.toContain("secret");
    expect(e.problems.map((p) => p.value)).toEqual(["ftp://bob:********@h", "********"]);
  });

  it("a document stored in clear by an older version is sealed on first read; export and reads never show it", async () => {
    const ctx = await tempContext(root);
    try {
      const url = `ftp://bob:${encodeURIComponent(PW)}@host/in`;
      await ctx.store.db
        .insertInto("settings")
        .values({ key: "settings", value: JSON.stringify(doc(url)), updated_at: "2026-01-01T00:00:00Z" })
        .execute();
      const exported = settingsToYaml(await ctx.settingsRepo.getSealed());
      expect(exported).not.toContain("OLD-CLEAR");
      expect(exported).toContain("url: ftp://bob@host/in");
      const row = await ctx.store.db.selectFrom("settings").select("value").executeTakeFirstOrThrow();
      expect(row.value).not.toContain("OLD-CLEAR");
      expect(row.value).not.toContain(encodeURIComponent(PW));
      const opened = await ctx.settingsRepo.get();
      expect(opened.targets[0]).toMatchObject({ url: "ftp://bob@host/in", password: PW });
    } finally {
      await ctx.close();
    }
  });
});
