/** The report's inline stylesheet (no external fonts or assets). */
export const STYLE = `
:root { --ok: #2e7d32; --bad: #c62828; --warn: #ef6c00; --muted: #666; --line: #ddd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #fafafa; }
header { padding: 16px 24px; color: #fff; background: var(--ok); }
header.failed { background: var(--bad); } header.interrupted, header.in-progress { background: var(--warn); }
header h1 { margin: 0 0 4px; font-size: 22px; } header p { margin: 0; opacity: .95; }
header code { color: #fff; background: rgba(255,255,255,.18); }
main { padding: 8px 24px 48px; max-width: 1200px; }
section { margin-top: 24px; } h2 { border-bottom: 2px solid var(--line); padding-bottom: 4px; }
code { font: 12px/1.3 ui-monospace, Menlo, Consolas, monospace; background: #eee; padding: 1px 4px; border-radius: 3px; }
code.cmd { display: inline-block; max-width: 100%; overflow-wrap: anywhere; }
table { border-collapse: collapse; margin: 8px 0 16px; background: #fff; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.bad td { background: #ffebee; font-weight: 600; }
.tag { font-size: 11px; padding: 1px 6px; border-radius: 8px; background: #e3f2fd; color: #0d47a1; font-weight: 400; }
.muted { color: var(--muted); }
ul.canaries li.bad { color: var(--bad); } ul.canaries li.ok { color: var(--ok); }
.grids { display: flex; flex-wrap: wrap; gap: 16px; }
table.heat td { width: 88px; text-align: center; font-weight: 600; }
table.heat td small { display: block; font-weight: 400; color: #333; font-size: 10px; }
table.heat td.skipped { background: #e0e0e0; color: var(--muted); font-weight: 400; }
table.heat td.survived { background: repeating-linear-gradient(45deg, #f8d0d0, #f8d0d0 6px, #fff 6px, #fff 12px); outline: 2px solid #b00020; outline-offset: -2px; }
table.heat td.none { background: repeating-linear-gradient(45deg, #fff, #fff 4px, #f0f0f0 4px, #f0f0f0 8px); }
table.heat caption, table.hist caption, table.waitfor caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
article.failure { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--bad); padding: 8px 16px; margin: 12px 0; }
article.failure.canary { border-left-color: #1565c0; }
article.failure h3 { margin: 4px 0; font-size: 15px; }
.type { font-size: 12px; color: #fff; background: var(--bad); padding: 1px 6px; border-radius: 3px; }
article.canary .type { background: #1565c0; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font: 12px/1.35 ui-monospace, Menlo, Consolas, monospace; background: #f5f5f5; padding: 8px; }
svg.timeline { max-width: 100%; height: auto; background: #fff; border: 1px solid var(--line); }
svg .lane { stroke: #bbb; stroke-width: 1; }
svg .lane-name { font: 12px ui-monospace, monospace; fill: #333; }
svg .ev circle { fill: #546e7a; } svg .ev.block circle { fill: #ef6c00; } svg .ev.user circle { fill: #c62828; }
svg .ev text { font: 10px ui-monospace, monospace; fill: #444; }
svg .tick { font: 10px ui-monospace, monospace; fill: var(--muted); }
div.interleaving { max-width: 100%; overflow-x: auto; }
table.interleaving { font: 12px/1.3 ui-monospace, Menlo, Consolas, monospace; }
table.interleaving caption { text-align: left; font: 600 13px system-ui, sans-serif; padding-bottom: 4px; }
table.interleaving th, table.interleaving td { padding: 2px 8px; white-space: nowrap; }
table.interleaving td.step { text-align: right; color: var(--muted); }
table.interleaving td.run { background: #e3f2fd; border-left: 3px solid #1565c0; }
table.interleaving td.run.preempted { background: #fff3e0; border-left-color: var(--warn); }
table.interleaving .label { color: #0d47a1; } table.interleaving .op { font-weight: 600; } table.interleaving .value { color: #4e342e; }
table.interleaving .preempt { font: 11px system-ui, sans-serif; color: #fff; background: var(--warn); padding: 0 5px; border-radius: 3px; }
table.interleaving tr.elided td { color: var(--muted); font-style: italic; background: #f5f5f5; }
table.hist td.outcome { font-family: ui-monospace, monospace; }
td.barcell { width: 320px; } .bar { height: 12px; background: var(--ok); min-width: 2px; }
.bar.forbidden { background: var(--bad); } .bar.interesting { background: var(--warn); }
td.grade.forbidden { color: var(--bad); font-weight: 600; } td.grade.interesting { color: var(--warn); }
`;
