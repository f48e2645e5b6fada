// Which proxies we believe about the client's address. `X-Forwarded-For` is a list the client
// starts (nginx's `$proxy_add_x_forwarded_for` appends to whatever the client sent), so only the
// entries our own proxies appended may be read: walking from the socket leftwards, a hop is
// believed when it is one of the configured proxy addresses and at most `hops` deep. The address
// the last believed proxy vouches for is the client (`req.ip`), whatever the client wrote.
import net from "node:net";

import type { TrustedProxies } from "../config/runtime.ts";

/** The `trustProxy` function for Fastify: `(address, hop) => believe it is our proxy`. */
export function trustedProxyFn(cfg: TrustedProxies): (address: string, hop: number) => boolean {
  const list = new net.BlockList();
  for (const raw of cfg.addresses) {
    const [addr, bits] = raw.split("/");
    const family = net.isIP(addr) === 6 ? "ipv6" : "ipv4";
    if (bits === undefined) list.addAddress(addr, family);
    else list.addSubnet(addr, Number(bits), family);
  }
  return (address, hop) => {
    if (hop >= cfg.hops || !address) return false;
    // IPv4 seen on a dual-stack socket as ::ffff:a.b.c.d is the IPv4 address.
    const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (v4) return list.check(v4, "ipv4");
    const family = net.isIP(address);
    return family !== 0 && list.check(address, family === 6 ? "ipv6" : "ipv4");
  };
}
