// ECharts, only the parts the reports use (keeps the reports chunk small), drawn as SVG: printed
// charts stay sharp and axis labels are text in the page (numbers in the user's locale, readable by
// a screen reader's find and by the browser tests).
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export function Chart({ option, label }: { option: ChartOption; label: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current, null, { renderer: "svg" });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    const printing = () => c.resize();
    window.addEventListener("beforeprint", printing);
    window.addEventListener("afterprint", printing);
    return () => {
      ro.disconnect();
      window.removeEventListener("beforeprint", printing);
      window.removeEventListener("afterprint", printing);
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={el} className="chart" role="img" aria-label={label} />;
}
