// Debian vsftpd, unprivileged, on a random high port. Anonymous login whose "password" must be
// in a list (secure_email_list_enable): a real password check without PAM or system users.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, makeSelfSignedCert, waitForPort } from "./net.ts";

export interface Vsftpd {
  port: number;
  /** The login folder: files arrive here. */
  root: string;
  user: string;
  password: string;
  /** PEM of the self-signed certificate when started with tls. */
  cert?: string;
  /** Every command the server received, one `FTP command: …` line each (empty unless started with log). */
  commands(): Promise<string[]>;
  /** vsftpd's transfer log (with log): one entry per upload, whole (`ok`) or broken off. */
  uploads(): Promise<{ ok: boolean; path: string; bytes: number }[]>;
  stop(): Promise<void>;
}

export interface VsftpdOptions {
  tls?: boolean;
  /**
   * Which data connections the server accepts: `passive` (PASV/EPSV only, PORT/EPRT refused),
   * `active` (PORT/EPRT only; the server connects from an ephemeral port, not port 20, so it
   * needs no root), or `both` (the default).
   */
  dataMode?: "passive" | "active" | "both";
  /** Log every FTP command, so a test can see what the client really sent. */
  log?: boolean;
  /** With tls: refuse a data connection that does not resume the control connection's TLS session. */
  requireSslReuse?: boolean;
  /** Bytes per second a client may send (anon_max_rate): slow uploads a test can interrupt. */
  maxRate?: number;
}

export async function startVsftpd(opts: VsftpdOptions = {}): Promise<Vsftpd> {
  const dir = await mkdtemp(join(tmpdir(), "pdfupload-vsftpd-"));
  const root = join(dir, "root");
  await mkdir(root);
  const password = "s3cret-Pässword";
  await writeFile(join(dir, "passwords"), `${password}\n`);
  const port = await freePort();
  const mode = opts.dataMode ?? "both";
  const pasv = 20000 + Math.floor(Math.random() * 40000);
  const conf = [
    "listen=YES",
    "listen_address=127.0.0.1",
    `listen_port=${port}`,
    "background=NO",
    "run_as_launching_user=YES",
    "seccomp_sandbox=NO",
    "anonymous_enable=YES",
    "local_enable=NO",
    "write_enable=YES",
    "anon_upload_enable=YES",
    "anon_mkdir_write_enable=YES",
    "anon_other_write_enable=YES",
    "anon_umask=022",
    `anon_root=${root}`,
    "secure_email_list_enable=YES",
    `email_password_file=${join(dir, "passwords")}`,
    `pasv_enable=${mode === "active" ? "NO" : "YES"}`,
    `pasv_min_port=${pasv}`,
    `pasv_max_port=${pasv + 50}`,
    "pasv_address=127.0.0.1",
    `port_enable=${mode === "passive" ? "NO" : "YES"}`,
    "connect_from_port_20=NO",
    "utf8_filesystem=YES",
    ...(opts.maxRate ? [`anon_max_rate=${opts.maxRate}`] : []),
  ];
  const logFile = join(dir, "vsftpd.log");
  if (opts.log) {
    conf.push(
      "xferlog_enable=YES",
      "xferlog_std_format=NO",
      "log_ftp_protocol=YES",
      `vsftpd_log_file=${logFile}`,
    );
  } else {
    conf.push("xferlog_enable=NO");
  }
  let cert: string | undefined;
  if (opts.tls) {
    const c = await makeSelfSignedCert(dir);
    cert = c.cert;
    conf.push(
      "ssl_enable=YES",
      "allow_anon_ssl=YES",
      "force_anon_logins_ssl=YES",
      "force_anon_data_ssl=YES",
      `require_ssl_reuse=${opts.requireSslReuse ? "YES" : "NO"}`,
      `rsa_cert_file=${c.certFile}`,
      `rsa_private_key_file=${c.keyFile}`,
    );
  }
  const confFile = join(dir, "vsftpd.conf");
  await writeFile(confFile, `${conf.join("\n")}\n`);
  const child: ChildProcess = spawn("/usr/sbin/vsftpd", [confFile], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  try {
    await waitForPort(port);
  } catch (err) {
    child.kill();
    throw new Error(`vsftpd did not start: ${stderr || (err as Error).message}`);
  }
  return {
    port,
    root,
    user: "anonymous",
    password,
    cert,
    async commands() {
      if (!opts.log) return [];
      const text = await readFile(logFile, "utf8").catch(() => "");
      // e.g. `Mon Jan  1 10:00:00 2025 [pid 3] [anonymous] FTP command: Client "127.0.0.1", "STOR x.pdf"`
      return [...text.matchAll(/FTP command: Client "[^"]*", "(.*)"$/gm)].map((m) => m[1] as string);
    },
    async uploads() {
      if (!opts.log) return [];
      const text = await readFile(logFile, "utf8").catch(() => "");
      // e.g. `… [anonymous] OK UPLOAD: Client "127.0.0.1", "/x.pdf", 1234 bytes, 10.5Kbyte/sec`
      return [...text.matchAll(/\] (OK|FAIL) UPLOAD: Client "[^"]*", "([^"]*)", (\d+) bytes/gm)].map((m) => ({
        ok: m[1] === "OK",
        path: m[2] as string,
        bytes: Number(m[3]),
      }));
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill();
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
