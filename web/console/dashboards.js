// The content team's dashboards, locally: the same boards, panels and SQL as the Grafana
// JSON in dashboards/generated/, run by the local server on the analytics database and
// drawn with uPlot (npm `uplot`, pinned in web/package-lock.json).
import { $, notice, request } from "./page.js";

const palette = ["#e5484d", "#3e63dd", "#30a46c", "#f5d90a", "#8e4ec6", "#12a594"];

function row(tag, values) {
  const tr = document.createElement("tr");
  tr.append(...values.map((v) => Object.assign(document.createElement(tag), { textContent: v })));
  return tr;
}

function table(panel) {
  // Values are the analytics rows as text (channel titles are the creators' words); a
  // timestamp column arrives as epoch seconds and is shown as a local time.
  const times = new Set(panel.time_columns ?? []);
  const cell = (v, i) => (v == null ? "" : times.has(i) ? new Date(v * 1000).toLocaleString() : String(v));
  const node = document.createElement("table");
  node.append(row("th", panel.columns), ...panel.rows.map((r) => row("td", r.map(cell))));
  return node;
}

function chart(panel, box) {
  // Rows are (time, [series label,] value...): one line per label, or per value column.
  const labelled = panel.columns.length === 3 && panel.rows.some((r) => typeof r[1] === "string");
  const times = [...new Set(panel.rows.map((r) => r[0]))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  let names;
  let series;
  if (labelled) {
    names = [...new Set(panel.rows.map((r) => String(r[1])))];
    series = names.map(() => times.map(() => null));
    for (const r of panel.rows) series[names.indexOf(String(r[1]))][index.get(r[0])] = r[2];
  } else {
    names = panel.columns.slice(1);
    series = names.map(() => times.map(() => null));
    for (const r of panel.rows) names.forEach((_, k) => { series[k][index.get(r[0])] = r[k + 1]; });
  }
  const opts = {
    width: 440, height: 220,
    series: [{}, ...names.map((n, k) => ({ label: n, stroke: palette[k % palette.length] }))],
    axes: [{ stroke: "#9aa0ab" }, { stroke: "#9aa0ab" }],
    // One minute of data would otherwise stretch the time axis over years.
    scales: { x: { time: true, range: (u, min, max) => (min === max ? [min - 300, max + 300] : [min, max]) } },
  };
  return new uPlot(opts, [times, ...series], box);
}

let shown = 0;  // the latest board asked for: an older answer arriving late is dropped

async function show(uid) {
  const mine = ++shown;
  for (const b of document.querySelectorAll("#boards button")) b.classList.toggle("on", b.dataset.uid === uid);
  const main = $("board");
  main.replaceChildren();
  main.dataset.board = uid;
  delete main.dataset.loaded;
  let data;
  try { data = await request("GET", `/console/boards/${uid}?hours=${24 * 31}`); } catch (error) { notice(error.message); return; }
  if (mine !== shown) return;
  for (const panel of data.panels) {
    const box = document.createElement("section");
    box.className = "panel";
    box.dataset.panel = panel.title;
    box.dataset.format = panel.format;
    box.dataset.rows = String(panel.rows.length);
    box.innerHTML = `<h3></h3>`;
    box.querySelector("h3").textContent = panel.title;
    main.append(box);
    if (!panel.rows.length) box.append(Object.assign(document.createElement("p"), { className: "empty", textContent: "No data in the range." }));
    else if (panel.format === "time_series") chart(panel, box);
    else box.append(table(panel));
  }
  main.dataset.loaded = "true";
}

export async function showDashboards() {
  if ($("boards").dataset.ready) return;
  const list = await request("GET", "/console/boards");
  $("boards").replaceChildren(...list.map((b) => {
    const button = document.createElement("button");
    button.textContent = b.title;
    button.dataset.uid = b.uid;
    button.dataset.panels = JSON.stringify(b.panels);
    button.addEventListener("click", () => show(b.uid));
    return button;
  }));
  $("boards").dataset.ready = "true";
  show(list[0].uid);
}
