// The deployment kit in deploy/: systemd units pass `systemd-analyze verify` and carry the
// hardening they promise; the Samba share section passes `testparm` and has no guest write.
// (The nginx site is run for real in cluster.test.ts.)
import { execFile } from "node:child_process";
import fs from "node:fs";
import fsp from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp-app.ts";

const run = promisify(execFile);
const unitsDir = path.resolve("deploy/systemd");
const tmp = tempDir("pdfupload-deploy-");
const hasSystemd = fs.existsSync("/usr/bin/systemd-analyze") || fs.existsSync("/bin/systemd-analyze");
const services = [
  "pdfupload.service",
  "pdfupload-web.service",
  "pdfupload-watch.service",
  "pdfupload-worker@.service",
];

afterAll(async () => {
  await fsp.rm(tmp, { recursive: true, force: true });
});

describe("systemd units", () => {
  it("run each role as the unprivileged user, restart on failure, with hardening", () => {
    for (const name of services) {
      const unit = fs.readFileSync(path.join(unitsDir, name), "utf8");
      const has = (line: string) =>
        expect(unit, `${name}: ${line}`).toMatch(
          new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
        );
      has("User=pdfupload");
      has("Restart=on-failure");
      has("NoNewPrivileges=yes");
      has("ProtectSystem=strict");
      has("ReadWritePaths=/var/lib/pdfupload");
      has("PrivateTmp=yes");
      has("ProtectHome=yes");
      has("CapabilityBoundingSet=");
      has("ExecReload=/bin/kill -HUP $MAINPID");
      expect(unit).toMatch(
        /^ExecStart=\/usr\/bin\/node \/opt\/pdfupload\/dist\/cli\/main\.js (start|web|watch|worker)$/m,
      );
    }
  });

  it.skipIf(!hasSystemd)("pass systemd-analyze verify", async () => {
    // Installed layout: /opt/pdfupload is this checkout here, node wherever it is on this machine.
    const dir = path.join(tmp, "units");
    await fsp.mkdir(dir);
    const files: string[] = [];
    for (const name of [...services, "pdfupload.target"]) {
      const text = fs
        .readFileSync(path.join(unitsDir, name), "utf8")
        .replaceAll("/opt/pdfupload", process.cwd())
        .replaceAll("/usr/bin/node", process.execPath);
      // A template is verified as an instance.
      const as = name === "pdfupload-worker@.service" ? "pdfupload-worker@1.service" : name;
      await fsp.writeFile(path.join(dir, as), text);
      files.push(path.join(dir, as));
    }
    const { stderr } = await run("systemd-analyze", ["verify", ...files], {
      env: { ...process.env, SYSTEMD_LOG_LEVEL: "warning" },
    });
    // Any complaint about our units (unknown keys, bad values, missing binaries) fails the test.
    const ours = stderr.split("\n").filter((l) => l.includes(dir));
    expect(ours).toEqual([]);
  });
});

describe("Samba share", () => {
  it("passes testparm, writes as the service user, no guest access", async () => {
    const share = fs.readFileSync(path.resolve("deploy/samba/smb-pdfupload.conf"), "utf8");
    const conf = path.join(tmp, "smb.conf");
    await fsp.writeFile(conf, `[global]\n   server role = standalone server\n\n${share}`);
    const { stdout } = await run("testparm", ["-s", "--suppress-prompt", conf]);
    const section = stdout.slice(stdout.indexOf("[pdfupload]"));
    expect(section).toContain("path = /var/lib/pdfupload/input");
    expect(section).toContain("force user = pdfupload");
    expect(section).toContain("valid users = @pdfupload-ops");
    expect(section).toContain("read only = No");
    // testparm prints only non-defaults: guest ok = No is the default and must not be overridden.
    expect(section).not.toMatch(/guest ok = Yes/i);
  });
});
