// Active-mode FTP (EPRT/PORT) for basic-ftp, which only speaks passive mode itself.
//
// basic-ftp calls `prepareTransfer(ftp)` before each transfer command and expects `ftp.dataSocket`
// to be ready. In active mode the server connects to us only after the transfer command (STOR,
// LIST…), so here `prepareTransfer` listens, announces the address, parks an unconnected socket as
// `ftp.dataSocket` (basic-ftp's download path refuses to start without one) and holds back the
// server's "150 opening data connection" from basic-ftp until the server's connection has arrived
// and replaced it. Relies on basic-ftp 6.2's transfer flow: `prepareTransfer` → one
// `ftp.handle(command, …)` whose handler reads `ftp.dataSocket` on 150/125; ftp.test.ts covers it.
import { createServer, isIPv4, type Server, Socket } from "node:net";
import { TLSSocket, connect as tlsConnect } from "node:tls";
import { type FTPContext, FTPError, type FTPResponse, type TransferStrategy } from "basic-ftp";

type ResponseHandler = Parameters<FTPContext["handle"]>[1];
type TaskResolver = Parameters<ResponseHandler>[1];

/**
 * The server refused every way to announce an active-mode address (5xx to EPRT and PORT):
 * the target must use passive mode. `code` and `message` are the server's last reply.
 */
export class ActiveModeRefusedError extends FTPError {
  /** Every refusal, e.g. `EPRT: 550 Permission denied.` */
  readonly replies: readonly string[];

  constructor(code: number, message: string, replies: readonly string[]) {
    super({ code, message });
    this.replies = replies;
  }
}

/** `::ffff:127.0.0.1` → `127.0.0.1`, so addresses compare and PORT can spell them. */
function plainAddress(address: string): string {
  return address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
}

/** The commands that announce `host:port` to the server, in the order to try them. */
function announceCommands(host: string, port: number): { verb: "EPRT" | "PORT"; command: string }[] {
  if (!isIPv4(host)) return [{ verb: "EPRT", command: `EPRT |2|${host}|${port}|` }];
  return [
    { verb: "EPRT", command: `EPRT |1|${host}|${port}|` },
    { verb: "PORT", command: `PORT ${host.split(".").join(",")},${port >> 8},${port & 255}` },
  ];
}

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      server.removeListener("error", reject);
      resolve(server);
    });
  });
}

/**
 * A basic-ftp transfer strategy for active mode: `client.prepareTransfer = activeMode()`.
 * Listens on an ephemeral port of the control connection's local address, sends
 * `EPRT |1|ip|port|` (or `|2|` for IPv6), falls back to `PORT h1,h2,h3,h4,p1,p2` when EPRT is
 * refused with a 5xx, and remembers which one worked. Only a connection from the control
 * connection's peer is taken; FTPS data connections get TLS with the control connection's options
 * and session, as basic-ftp does in passive mode. The listener closes when the server connects,
 * when the transfer fails, or after `ftp.timeout` ms (0: no limit) without a connection.
 */
export function activeMode(): TransferStrategy {
  let preferPort = false;
  /** Tears down the previous transfer's listener if basic-ftp never used it. */
  let abandon: (() => void) | null = null;

  return async function enterActiveMode(ftp: FTPContext): Promise<FTPResponse> {
    abandon?.();
    const local = ftp.socket.localAddress;
    const peer = ftp.socket.remoteAddress;
    if (!local || !peer)
      throw new Error("Control socket is disconnected, can't open an active-mode listener.");
    const host = plainAddress(local);
    const server = await listen(host);
    const port = (server.address() as { port: number }).port;

    let state: "announcing" | "waiting" | "connected" | "done" = "announcing";
    let held: { res: FTPResponse; task: TaskResolver; handler: ResponseHandler }[] = [];
    let timer: NodeJS.Timeout | undefined;
    const handle = ftp.handle;
    let listening = true;
    const stopListening = () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (listening) server.close();
      listening = false;
      ftp.handle = handle; // stop gating: the next command goes straight to basic-ftp again
      if (abandon === stopListening) abandon = null;
    };
    abandon = stopListening;

    if (ftp.timeout > 0) {
      timer = setTimeout(() => {
        const err = new Error(
          `Timeout (active-mode data connection): the server did not connect to ${host}:${port} within ${ftp.timeout / 1000} s`,
        );
        state = "done";
        stopListening();
        held = [];
        ftp.closeWithError(err);
      }, ftp.timeout);
    }

    server.on("connection", (raw: Socket) => {
      if (
        state === "done" ||
        state === "connected" ||
        plainAddress(raw.remoteAddress ?? "") !== plainAddress(peer)
      ) {
        // Someone else guessed the port (or a late duplicate): never let it feed the transfer.
        raw.destroy();
        return;
      }
      state = "connected";
      stopListening();
      let socket: Socket | TLSSocket = raw;
      if (ftp.socket instanceof TLSSocket) {
        // As basic-ftp's connectForPassiveTransfer: the FTP client is the TLS client on the data
        // connection whoever opened it, and resumes the control connection's session (servers may
        // require that, so nobody else can slip in a data connection of their own).
        const tlsSocket = tlsConnect({
          ...ftp.tlsOptions,
          socket: raw,
          session: ftp.tlsSessionStore ?? ftp.socket.getSession(),
        });
        tlsSocket.on("session", (session: Buffer) => {
          ftp.tlsSessionStore = session;
        });
        socket = tlsSocket;
      }
      ftp.dataSocket = socket; // closes the placeholder
      const release = held;
      held = [];
      for (const { res, task, handler } of release) {
        try {
          handler(res, task);
        } catch (err) {
          const e = err instanceof Error ? err : new Error(String(err));
          task.reject(e);
          ftp.closeWithError(e);
          return;
        }
      }
    });

    // Every reply to the transfer command passes here; 1xx/2xx wait for the server's connection.
    const gate =
      (handler: ResponseHandler): ResponseHandler =>
      (res, task) => {
        if (state === "connected") return handler(res, task);
        if (res instanceof Error) {
          // A refusal (425 can't open data connection, 550 no such file) or the client closing:
          // no data connection will come, and basic-ftp must not see a 150 we held back.
          state = "done";
          stopListening();
          held = [];
          return handler(res, task);
        }
        if (state === "done") return handler(res, task);
        held.push({ res, task, handler });
      };

    try {
      let reply: FTPResponse | null = null;
      const refusals: string[] = [];
      let lastRefusal: FTPError | null = null;
      const commands = announceCommands(host, port);
      for (const { verb, command } of preferPort ? commands.filter((c) => c.verb === "PORT") : commands) {
        try {
          reply = await ftp.request(command);
          if (verb === "PORT") preferPort = true;
          break;
        } catch (err) {
          // 4xx is "not now" (retry later); only a 5xx means "not this command".
          if (!(err instanceof FTPError) || err.code < 500) throw err;
          refusals.push(`${verb}: ${err.message}`);
          lastRefusal = err;
        }
      }
      if (!reply) {
        const last = lastRefusal as FTPError;
        throw new ActiveModeRefusedError(last.code, last.message, refusals);
      }
      if (state === "announcing") {
        state = "waiting";
        ftp.dataSocket = new Socket(); // placeholder, replaced when the server connects
      }
      // One-shot: the next command is the transfer command.
      ftp.handle = (command, handler) => {
        ftp.handle = handle;
        return handle.call(ftp, command, gate(handler));
      };
      return reply;
    } catch (err) {
      state = "done";
      stopListening();
      throw err;
    }
  };
}
