/** A point of the chart: one commit, one variant. */
export interface ChartPoint {
  variant: string;
  fileBytes: number;
  speedup: number;
  timeToEditMs: number;
}

const COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"];

function panel(points: readonly ChartPoint[], variants: readonly string[], value: (p: ChartPoint) => number, title: string, yLabel: string, x0: number, log: boolean): string {
  const w = 460;
  const h = 300;
  const pad = 50;
  const maxX = Math.max(1, ...points.map((p) => p.fileBytes));
  const ys = points.map(value).filter((v) => v > 0);
  const maxY = Math.max(1, ...ys);
  const minY = log ? Math.max(1, Math.min(...ys)) : 0;
  const sx = (x: number): number => x0 + pad + (x / maxX) * (w - pad - 10);
  const sy = (y: number): number => {
    const t = log ? (Math.log10(Math.max(y, minY)) - Math.log10(minY)) / Math.max(1e-9, Math.log10(maxY) - Math.log10(minY)) : y / maxY;
    return h - pad + 20 - t * (h - pad - 10);
  };
  let out = `<text x="${x0 + w / 2}" y="18" text-anchor="middle" font-weight="bold">${title}</text>`;
  out += `<line x1="${x0 + pad}" y1="${h - pad + 20}" x2="${x0 + w}" y2="${h - pad + 20}" stroke="#333"/><line x1="${x0 + pad}" y1="30" x2="${x0 + pad}" y2="${h - pad + 20}" stroke="#333"/>`;
  out += `<text x="${x0 + w / 2}" y="${h + 5}" text-anchor="middle">file size (KB)</text>`;
  out += `<text x="${x0 + 12}" y="${h / 2}" transform="rotate(-90 ${x0 + 12} ${h / 2})" text-anchor="middle">${yLabel}</text>`;
  for (let i = 0; i <= 4; i++) {
    const xv = (maxX * i) / 4;
    out += `<text x="${sx(xv)}" y="${h - pad + 36}" text-anchor="middle" font-size="10">${(xv / 1000).toFixed(0)}</text>`;
    const yv = log ? minY * Math.pow(maxY / minY, i / 4) : (maxY * i) / 4;
    out += `<text x="${x0 + pad - 4}" y="${sy(yv) + 3}" text-anchor="end" font-size="10">${yv >= 100 ? yv.toFixed(0) : yv.toFixed(1)}</text>`;
  }
  for (const p of points) {
    const c = COLORS[variants.indexOf(p.variant) % COLORS.length] ?? "#000";
    if (value(p) > 0) out += `<circle cx="${sx(p.fileBytes).toFixed(1)}" cy="${sy(value(p)).toFixed(1)}" r="3" fill="${c}" fill-opacity="0.75"><title>${p.variant}: ${value(p)}</title></circle>`;
  }
  return out;
}

/** SVG with two panels: speedup vs file size, time to finished edit vs file size; one color per variant. */
export function renderChart(points: readonly ChartPoint[]): string {
  const variants = [...new Set(points.map((p) => p.variant))];
  const legend = variants
    .map((v, i) => `<rect x="${20 + i * 160}" y="330" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/><text x="${35 + i * 160}" y="339" font-size="11">${v}</text>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="960" height="${variants.length > 6 ? 370 : 350}" font-family="sans-serif" font-size="12">
<rect width="100%" height="100%" fill="white"/>
${panel(points, variants, (p) => p.speedup, "Speedup over no speculation", "× faster", 0, false)}
${panel(points, variants, (p) => p.timeToEditMs / 1000, "Time to finished edit", "seconds (log)", 480, true)}
${legend}
</svg>
`;
}
