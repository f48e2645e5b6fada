// A banner on every page while a disk is full: which folders lack room, how many jobs wait for it
// and whether journal lines are held back. Read from /api/health, again on every job event and
// every 15 s (a disk filled by something else sends no event).
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client.ts";
import type { DiskReport } from "../api/types.ts";
import { useI18n } from "../i18n/i18n.tsx";
import { useLiveEvents } from "../lib/live.ts";
import { IconWarn } from "./icons.tsx";

const POLL_MS = 15_000;

export function DiskBanner() {
  const { t, tx, f } = useI18n();
  const [disk, setDisk] = useState<DiskReport | null>(null);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const load = useCallback(async () => {
    try {
      setDisk((await api<{ disk?: DiskReport }>("/api/health")).disk ?? null);
    } catch {
      // Health that does not answer says nothing about the disk; keep what we knew.
    }
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), POLL_MS);
    return () => {
      clearInterval(timer);
      if (pending.current) clearTimeout(pending.current);
    };
  }, [load]);
  useLiveEvents((e) => {
    if (e.type !== "job" || pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      void load();
    }, 500);
  });
  if (!disk?.full) return null;
  return (
    <div className="notice error disk-banner no-print" role="alert" data-testid="disk-banner">
      <strong>
        <IconWarn /> {t("disk.title")}
      </strong>
      <ul>
        {disk.dirs.map((d) => {
          const vars = {
            role: tx(`disk.role.${d.role}`, d.role),
            dir: d.dir,
            free: f.bytes(d.freeBytes),
            need: f.bytes(d.neededBytes),
          };
          return <li key={d.dir}>{d.neededBytes ? t("disk.dirNeed", vars) : t("disk.dir", vars)}</li>;
        })}
      </ul>
      <p>{disk.waiting ? t("disk.jobs", { n: disk.waiting }) : t("disk.none")}</p>
      {disk.journalBacklog ? <p>{t("disk.journal", { n: disk.journalBacklog })}</p> : null}
    </div>
  );
}
