/**
 * A horizontal bar chart of p50 (solid) and p95 (pale) latency, one panel per result table,
 * written as plain SVG text (no dependencies). Each panel has its own linear scale.
 */
import type { BenchResult } from './results.js'

const width = 960
const labelWidth = 380
const barArea = width - labelWidth - 110
const rowHeight = 18
const panelGap = 26
const colors = { p50: '#2f6fdf', p95: '#b9cdf3', baseline: '#7a7a7a', text: '#1d1d1f', grid: '#e3e3e3' }

/** Escapes text for SVG content and attributes. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/**
 * Renders the chart for every table with latency rows.
 *
 * @param results - the parsed result files
 */
export function renderChart(results: BenchResult[]): string {
  const parts: string[] = []
  let y = 40
  parts.push(
    `<text x="16" y="24" font-size="16" font-weight="bold" fill="${colors.text}">TripSage benchmarks — p50 (solid) and p95 (pale) latency, ms</text>`,
  )
  for (const result of results) {
    for (const table of result.tables) {
      if (table.noChart) continue
      const rows = table.rows.filter((r) => typeof r.p50Ms === 'number')
      if (rows.length === 0) continue
      const max = Math.max(...rows.map((r) => Math.max(r.p95Ms ?? 0, r.p50Ms ?? 0)), 1e-6)
      parts.push(
        `<text x="16" y="${y + 14}" font-size="13" font-weight="bold" fill="${colors.text}">${esc(`${result.title} — ${table.title} (${result.mode})`)}</text>`,
      )
      y += 22
      for (const row of rows) {
        const p50 = row.p50Ms ?? 0
        const p95 = row.p95Ms ?? p50
        const w50 = (p50 / max) * barArea
        const w95 = (p95 / max) * barArea
        const ratioText = typeof row.ratioP50 === 'number' ? `  ${row.ratioP50}×` : ''
        parts.push(
          `<text x="${labelWidth - 8}" y="${y + 13}" font-size="11" text-anchor="end" fill="${row.baseline ? colors.text : colors.baseline}">${esc(shorten(row.case, 60))}</text>`,
          `<rect x="${labelWidth}" y="${y + 3}" width="${w95.toFixed(1)}" height="${rowHeight - 6}" fill="${colors.p95}"/>`,
          `<rect x="${labelWidth}" y="${y + 3}" width="${w50.toFixed(1)}" height="${rowHeight - 6}" fill="${colors.p50}"/>`,
          `<text x="${(labelWidth + w95 + 6).toFixed(1)}" y="${y + 13}" font-size="11" fill="${colors.text}">${esc(`${p50} / ${p95}${ratioText}`)}</text>`,
        )
        y += rowHeight
      }
      y += panelGap
    }
  }
  const height = y + 10
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<line x1="${labelWidth}" y1="34" x2="${labelWidth}" y2="${height - 10}" stroke="${colors.grid}"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}
