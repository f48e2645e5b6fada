// Failed logins counted per user name, so guessing one account's password is slow whatever
// addresses the guesses come from (the per-address limit is @fastify/rate-limit on the route).
// Only failures count: the rightful user who types the password right is never held up by them
// beyond the window. Kept in memory per web process, like the per-address limit.

export interface ThrottleOptions {
  /** Failed attempts allowed per window. */
  max: number;
  windowMs: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly o: ThrottleOptions,
    private readonly now: () => number = Date.now,
  ) {}

  private static key(name: string): string {
    return name.normalize("NFC").trim().toLowerCase();
  }

  /** Seconds to wait before the next try for this name, or 0 when it may try now. */
  retryAfterSec(name: string): number {
    const e = this.failures.get(LoginThrottle.key(name));
    const t = this.now();
    if (!e || e.until <= t) return 0;
    return e.count >= this.o.max ? Math.ceil((e.until - t) / 1000) : 0;
  }

  failed(name: string): void {
    const t = this.now();
    const key = LoginThrottle.key(name);
    const e = this.failures.get(key);
    if (!e || e.until <= t) this.failures.set(key, { count: 1, until: t + this.o.windowMs });
    else e.count++;
    if (this.failures.size > 10_000) this.prune(t);
  }

  succeeded(name: string): void {
    this.failures.delete(LoginThrottle.key(name));
  }

  private prune(t: number): void {
    for (const [k, e] of this.failures) if (e.until <= t) this.failures.delete(k);
  }
}
