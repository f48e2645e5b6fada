// Delivery throughput on 127.0.0.1: our deliverers (temp name, size check, rename) against the
// plain tools on the same servers — curl -T for FTP/FTPS, OpenSSH sftp for SFTP, cp for a folder.
// Run: npx tsx bench/delivery.bench.ts [--mb 64] [--repeat 3]
import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { targetSchema } from "../src/config/settings-schema.ts";
import { deliverFile } from "../src/delivery/index.ts";
import { startSftpServer } from "../src/delivery/testing/sftp-server.ts";
import { startVsftpd } from "../src/delivery/testing/vsftpd.ts";

const run = promisify(execFile);
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MB = arg("mb", 64);
const REPEAT = arg("repeat", 3);

async function median(fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEAT; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const work = await mkdtemp(join(tmpdir(), "pdfupload-bench-"));
const local = join(work, "sheet.pdf");
await writeFile(local, Buffer.alloc(MB * 1024 * 1024, 0x5a));
const rows: [string, number, number][] = [];
const [ftp, ftps, sftp] = await Promise.all([startVsftpd(), startVsftpd({ tls: true }), startSftpServer()]);
try {
  let n = 0;
  {
    const t = targetSchema.parse({
      name: "ftp",
      url: `ftp://anonymous@127.0.0.1:${ftp.port}/in`,
      password: ftp.password,
    });
    const ours = await median(() => deliverFile(t, local, "", `o${n++}.pdf`));
    const curl = await median(() =>
      run("curl", [
        "-s",
        "--ftp-create-dirs",
        "-T",
        local,
        `ftp://127.0.0.1:${ftp.port}/in/c${n++}.pdf`,
        "--user",
        `anonymous:${ftp.password}`,
      ]),
    );
    rows.push(["FTP (vsftpd) vs curl -T", ours, curl]);
  }
  {
    const t = targetSchema.parse({
      name: "ftps",
      url: `ftps://anonymous@127.0.0.1:${ftps.port}/in`,
      password: ftps.password,
      insecureTls: true,
    });
    const ours = await median(() => deliverFile(t, local, "", `o${n++}.pdf`));
    const curl = await median(() =>
      run("curl", [
        "-s",
        "-k",
        "--ssl-reqd",
        "--ftp-create-dirs",
        "-T",
        local,
        `ftp://127.0.0.1:${ftps.port}/in/c${n++}.pdf`,
        "--user",
        `anonymous:${ftps.password}`,
      ]),
    );
    rows.push(["FTPS (vsftpd) vs curl --ssl-reqd", ours, curl]);
  }
  {
    const t = targetSchema.parse({
      name: "sftp",
      url: `sftp://${sftp.user}@127.0.0.1:${sftp.port}/in`,
      password: sftp.password,
      hostKey: sftp.fingerprint,
    });
    const keyFile = join(work, "id");
    await writeFile(keyFile, sftp.clientKey);
    await chmod(keyFile, 0o600);
    await mkdir(join(sftp.root, "in"), { recursive: true });
    const batch = join(work, "batch");
    const ours = await median(() => deliverFile(t, local, "", `o${n++}.pdf`));
    const cli = await median(async () => {
      await writeFile(batch, `put ${local} /in/c${n++}.pdf\n`);
      // execFile, not exec: the sftp client waits for the in-process server on this event loop.
      await run("sftp", [
        "-q",
        "-b",
        batch,
        "-i",
        keyFile,
        "-P",
        String(sftp.port),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        `${sftp.user}@127.0.0.1`,
      ]);
    });
    rows.push(["SFTP (ssh2 server) vs OpenSSH sftp", ours, cli]);
  }
  {
    const share = join(work, "share");
    await mkdir(share);
    const t = targetSchema.parse({ name: "share", url: pathToFileURL(share).href });
    const ours = await median(() => deliverFile(t, local, "in", `o${n++}.pdf`));
    const cp = await median(() => run("cp", [local, join(share, `c${n++}.pdf`)]));
    rows.push(["folder vs cp", ours, cp]);
  }
} finally {
  await Promise.all([ftp.stop(), ftps.stop(), sftp.stop()]);
  await rm(work, { recursive: true, force: true });
}

console.log(`${MB} MiB file, median of ${REPEAT}`);
console.log("transport                             ours ms  MB/s   tool ms  MB/s   ours/tool");
for (const [label, ours, tool] of rows) {
  const rate = (ms: number) => ((MB * 1.048576) / (ms / 1000)).toFixed(0).padStart(5);
  console.log(
    `${label.padEnd(36)} ${ours.toFixed(0).padStart(7)} ${rate(ours)}  ${tool.toFixed(0).padStart(7)} ${rate(tool)}   ${(ours / tool).toFixed(2)}`,
  );
}
