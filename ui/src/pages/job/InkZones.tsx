// Ink-key presets of one sheet: a small bar chart per separation, percent ink per press ink zone
// (zone 1 at the edge the press's settings name), as sent to the press in the CIP3 PPF. Loaded on
// its own chunk: ECharts only comes when a sheet has ink zones.
import { useMemo } from "react";
import type { Sheet } from "../../api/types.ts";
import { useI18n } from "../../i18n/i18n.tsx";
import { swatch } from "../../lib/jobs.ts";
import { Chart, type ChartOption } from "../reports/Chart.tsx";

type Zones = NonNullable<Sheet["inkZones"]>;

function ZoneChart({ name, values }: { name: string; values: (number | null)[] }) {
  const { t, f } = useI18n();
  const option = useMemo<ChartOption>(
    () => ({
      animation: false,
      grid: { left: 36, right: 8, top: 8, bottom: 24 },
      tooltip: {
        trigger: "axis",
        valueFormatter: (v: unknown) => (typeof v === "number" ? f.percent(v) : t("job.zoneOffPaper")),
      },
      xAxis: { type: "category", data: values.map((_, i) => String(i + 1)), axisLabel: { fontSize: 9 } },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { fontSize: 9, formatter: "{value}" } },
      series: [
        {
          type: "bar",
          name,
          data: values.map((v) => (v === null ? "-" : v)),
          itemStyle: { color: swatch(name), borderColor: "#555", borderWidth: 0.5 },
          barCategoryGap: "10%",
        },
      ],
    }),
    [name, values, f, t],
  );
  const inked = values.flatMap((v, i) => (v ? [`${i + 1}: ${f.percent(v)}`] : []));
  return (
    <figure className="zone-chart">
      <figcaption>
        <i className="sw" style={{ background: swatch(name) }} /> {name}
      </figcaption>
      <Chart
        option={option}
        label={t("job.inkZonesOf", { name, zones: inked.join(", ") || t("job.inkZonesNone") })}
      />
    </figure>
  );
}

export default function InkZones({ zones, ppfUrl }: { zones: Zones; ppfUrl?: string }) {
  const { t, f } = useI18n();
  return (
    <section className="ink-zones" aria-label={t("job.inkZones")}>
      <h4>
        {t("job.inkZones")}{" "}
        <span className="muted small">
          {t("job.inkZonesLayout", {
            n: zones.count,
            w: f.num(zones.widthMm, 1),
            edge: t(zones.startEdge === "right" ? "job.zonesFromRight" : "job.zonesFromLeft"),
            side: t(zones.side === "back" ? "job.sideBack" : "job.sideFront"),
          })}
        </span>
      </h4>
      {ppfUrl ? (
        <p className="small">
          <a href={ppfUrl} download>
            {t("job.ppfDownload")}
          </a>
        </p>
      ) : null}
      {Object.entries(zones.separations).map(([name, values]) => (
        <ZoneChart key={name} name={name} values={values} />
      ))}
    </section>
  );
}
