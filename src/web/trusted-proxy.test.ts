import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { readRuntime } from "../config/runtime.ts";
import { trustedProxyFn } from "./trusted-proxy.ts";

async function ipSeen(
  env: Record<string, string>,
  remoteAddress: string,
  xff?: string,
): Promise<{ ip: string; protocol: string }> {
  const app = Fastify({ trustProxy: trustedProxyFn(readRuntime(env).trustedProxies) });
  app.get("/", async (req) => ({ ip: req.ip, protocol: req.protocol }));
  const r = await app.inject({
    url: "/",
    remoteAddress,
    headers: xff ? { "x-forwarded-for": xff, "x-forwarded-proto": "https" } : {},
  });
  await app.close();
  return r.json();
}

describe("trusted proxy hops", () => {
  it("default: nginx on this machine vouches for the last entry only", async () => {
    expect(await ipSeen({}, "127.0.0.1", "6.6.6.6, 203.0.113.7")).toEqual({
      ip: "203.0.113.7",
      protocol: "https",
    });
    expect((await ipSeen({}, "::ffff:127.0.0.1", "6.6.6.6, 203.0.113.7")).ip).toBe("203.0.113.7");
    // Not from a trusted proxy: headers are the client's own words.
    expect(await ipSeen({}, "198.51.100.4", "6.6.6.6")).toEqual({ ip: "198.51.100.4", protocol: "http" });
  });

  it("two hops, each must be a configured proxy", async () => {
    const env = { PDFUPLOAD_TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/24", PDFUPLOAD_PROXY_HOPS: "2" };
    expect((await ipSeen(env, "127.0.0.1", "6.6.6.6, 203.0.113.7, 10.0.0.5")).ip).toBe("203.0.113.7");
    // The hop before nginx is not a configured proxy: it is the client.
    expect((await ipSeen(env, "127.0.0.1", "6.6.6.6, 198.51.100.9")).ip).toBe("198.51.100.9");
  });

  it("0 hops: no header is believed; bad settings are refused at start", async () => {
    expect((await ipSeen({ PDFUPLOAD_PROXY_HOPS: "0" }, "127.0.0.1", "6.6.6.6")).ip).toBe("127.0.0.1");
    expect(() => readRuntime({ PDFUPLOAD_TRUSTED_PROXIES: "nginx.local" })).toThrow(/not an IP/);
    expect(() => readRuntime({ PDFUPLOAD_TRUSTED_PROXIES: "10.0.0.0/40" })).toThrow(/CIDR/);
    expect(() => readRuntime({ PDFUPLOAD_PROXY_HOPS: "-1" })).toThrow(/PROXY_HOPS/);
  });
});
