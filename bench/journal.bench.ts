// Journal queries at shop scale: 100 000 rows in SQLite, the API's first page and each filter,
// timed through the real Fastify app (inject). Printed as ms per query and as a ratio against the
// same query on a 1 000-row journal in the same run (how it scales: indexes, not scans, where it matters).
// Run: npx tsx bench/journal.bench.ts [--rows 100000]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import { type AppContext, createContext } from "../src/app/context.ts";
import { readRuntime } from "../src/config/runtime.ts";
import { buildWebApp } from "../src/web/app.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg("rows", 100_000);
const PRESSES = ["Speedmaster", "Planeta", "Dominant"];
const BUREAUS = ["Leonov", "Korol", "Vonoel", "Admin"];
const WORDS = ["Flier", "Книга", "Calendar", "Буклет", "Poster", "Журнал", "Label", "Каталог"];

async function fill(ctx: AppContext, n: number): Promise<void> {
  const now = Date.now();
  const span = 3 * 365 * 86400_000; // three years of work
  const batch = 500;
  for (let i = 0; i < n; i += batch) {
    const rows = [];
    for (let k = i; k < Math.min(n, i + batch); k++) {
      const date = new Date(now - Math.floor((k / n) * span)).toISOString();
      const name = `${String(k % 10000).padStart(4, "0")}_${WORDS[k % WORDS.length]}_${k}_${BUREAUS[k % 4]}.pdf`;
      const plates = 4 + (k % 9);
      rows.push({
        created_at: date,
        updated_at: date,
        file_date: date,
        file_name: name,
        name_lc: name.toLowerCase(),
        source: "bench",
        source_path: null,
        status: k % 50 === 0 ? ("failed" as const) : ("done" as const),
        timeline: "[]",
        attempts: 0,
        run_after: date,
        import_mode: 0,
        press: PRESSES[k % 3],
        bureau: BUREAUS[k % 4],
        order_no: String(k % 10000),
        pages: 2,
        plates,
        plate_area_m2: plates * 0.79,
        money: plates * 11.5,
        analysis: JSON.stringify({
          file: name,
          sheets: [{ page: 1, colorants: ["Cyan", "Magenta", "Yellow", "Black"] }],
        }),
      });
    }
    await ctx.store.db.insertInto("jobs").values(rows).execute();
  }
}

const QUERIES: [string, string][] = [
  [
    "first page (last 60 days)",
    `/api/jobs?from=${new Date(Date.now() - 60 * 86400_000).toISOString().slice(0, 10)}`,
  ],
  ["all, newest first", "/api/jobs"],
  ["press", "/api/jobs?press=Planeta"],
  ["bureau + date range", "/api/jobs?bureau=Korol&from=2025-01-01&to=2025-12-31"],
  ["file name", `/api/jobs?q=${encodeURIComponent("книга")}`],
  ["file name negated", "/api/jobs?q=-flier"],
  ["status failed", "/api/jobs?status=failed"],
  ["page 50", "/api/jobs?offset=5000"],
  ["report, one year", `/api/reports?year=${new Date().getFullYear() - 1}`],
];

async function measure(rows: number): Promise<Map<string, number>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pdfupload-bench-journal-"));
  const ctx = await createContext(
    readRuntime({ PDFUPLOAD_DATA: dir, PDFUPLOAD_SECRET_KEY: "" }),
    pino({ level: "silent" }),
  );
  const t0 = performance.now();
  await fill(ctx, rows);
  if (rows >= 10_000) console.log(`filled ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await ctx.users.add("boss", "boss-password", "viewer");
  const app = await buildWebApp(ctx, { logger: false });
  const login = await app.inject({
    method: "POST",
    url: "/api/login",
    payload: { name: "boss", password: "boss-password" },
  });
  const cookie = `pdfupload_session=${login.cookies[0].value}`;
  const out = new Map<string, number>();
  for (const [label, url] of QUERIES) {
    const times: number[] = [];
    for (let r = 0; r < 7; r++) {
      const t = performance.now();
      const res = await app.inject({ method: "GET", url, headers: { cookie } });
      if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      times.push(performance.now() - t);
    }
    out.set(label, times.sort((a, b) => a - b)[3]);
  }
  await app.close();
  await ctx.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

const small = await measure(1000);
const big = await measure(ROWS);
console.log(`\nquery (median of 7)              ${ROWS} rows    1000 rows    ratio`);
for (const [label] of QUERIES) {
  const b = big.get(label) as number;
  const s = small.get(label) as number;
  console.log(
    `${label.padEnd(32)} ${b.toFixed(1).padStart(8)} ms ${s.toFixed(1).padStart(8)} ms ${(b / s).toFixed(1).padStart(7)}×`,
  );
}
