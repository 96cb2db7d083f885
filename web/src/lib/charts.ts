/**
 * Small SVG charts drawn here (no chart library): horizontal bars for counts by category, stacked
 * columns for counts per day, progress bars. Each chart is an `img` with a label for screen
 * readers and a visually hidden table of its numbers, so the figures are readable without sight.
 */
import { h } from "./dom";
import { formatNumber } from "../i18n";

const SVG = "http://www.w3.org/2000/svg";
export const PALETTE = ["#0b5cad", "#1a7f37", "#bf8700", "#b42318", "#8250df", "#1b7c83", "#cf222e", "#57606a"];

function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** A table of the chart's numbers for screen readers (visually hidden). */
function dataTable(caption: string, header: string[], rows: (string | number)[][]): HTMLElement {
  return h("table", { class: "sr-only" },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...header.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, typeof c === "number" ? formatNumber(c) : c))))));
}

/** Horizontal bars: one per [label, value], longest first as given. */
export function barChart(title: string, entries: [string, number][], columns: [string, string]): HTMLElement {
  const row = 26;
  const labelWidth = 190;
  const width = 560;
  const max = Math.max(1, ...entries.map(([, v]) => v));
  const chart = svg("svg", { viewBox: `0 0 ${width} ${entries.length * row + 4}`, role: "img", "aria-label": title, class: "chart" });
  entries.forEach(([label, value], i) => {
    const y = i * row + 2;
    const length = ((width - labelWidth - 50) * value) / max;
    chart.append(
      svg("text", { x: labelWidth - 8, y: y + 16, "text-anchor": "end", class: "chart-label" }, label),
      svg("rect", { x: labelWidth, y: y + 3, width: Math.max(length, 1), height: row - 8, fill: PALETTE[i % PALETTE.length], rx: 3 }),
      svg("text", { x: labelWidth + length + 6, y: y + 16, class: "chart-value" }, formatNumber(value)),
    );
  });
  return h("figure", { class: "chart-figure" }, h("figcaption", {}, title), chart as unknown as HTMLElement,
    dataTable(title, columns, entries));
}

/** Stacked columns per day: `days` in order, each with counts by series. */
export function stackedColumns(title: string, days: { day: string; values: Record<string, number> }[],
  seriesLabel: (series: string) => string, dayLabel: (day: string) => string): HTMLElement {
  const series = [...new Set(days.flatMap((d) => Object.keys(d.values)))];
  const width = 560;
  const height = 200;
  const left = 36;
  const bottom = 24;
  const max = Math.max(1, ...days.map((d) => Object.values(d.values).reduce((a, b) => a + b, 0)));
  const step = (width - left) / Math.max(days.length, 1);
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" });
  chart.append(svg("text", { x: left - 6, y: 12, "text-anchor": "end", class: "chart-value" }, formatNumber(max)),
    svg("line", { x1: left, y1: height - bottom, x2: width, y2: height - bottom, stroke: "#8c959f" }));
  days.forEach((d, i) => {
    let y = height - bottom;
    series.forEach((name, s) => {
      const value = d.values[name] ?? 0;
      const bar = ((height - bottom - 8) * value) / max;
      y -= bar;
      if (value) chart.append(svg("rect", { x: left + i * step + step * 0.15, y, width: step * 0.7, height: bar, fill: PALETTE[s % PALETTE.length] }));
    });
    chart.append(svg("text", { x: left + i * step + step / 2, y: height - 6, "text-anchor": "middle", class: "chart-label" }, dayLabel(d.day)));
  });
  const legend = h("ul", { class: "legend", "aria-hidden": "true" }, ...series.map((name, s) =>
    h("li", {}, h("span", { class: "swatch", style: `background:${PALETTE[s % PALETTE.length]}` }), seriesLabel(name))));
  return h("figure", { class: "chart-figure" }, h("figcaption", {}, title), chart as unknown as HTMLElement, legend,
    dataTable(title, ["", ...series.map(seriesLabel)], days.map((d) => [dayLabel(d.day), ...series.map((n) => d.values[n] ?? 0)])));
}

/** A labelled progress bar (`done` of `total`), a native <progress> for assistive technology. */
export function progress(label: string, done: number, total: number, text: string): HTMLElement {
  return h("div", { class: "progress" },
    h("div", { class: "progress-label" }, label, h("span", {}, text)),
    h("progress", { max: Math.max(total, 1), value: done, "aria-label": `${label}: ${text}` }));
}
