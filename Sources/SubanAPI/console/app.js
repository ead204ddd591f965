"use strict";
const $ = (s) => document.querySelector(s);
// Elements from data: text only, never HTML.
function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) { if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v); }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(c == null ? "" : String(c)));
  return e;
}
const svgNS = "http://www.w3.org/2000/svg";
function s(tag, attrs, ...children) {
  const e = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
const key = () => localStorage.getItem("suban.key") || "";
async function api(path, options = {}) {
  const headers = { "content-type": "application/json" };
  if (key()) headers.authorization = "Bearer " + key();
  const response = await fetch(path, { ...options, headers });
  const text = await response.text();
  let body = null; try { body = text ? JSON.parse(text) : null; } catch (_) { body = text; }
  if (!response.ok) { const error = new Error((body && body.message) || response.statusText); error.status = response.status; error.body = body; throw error; }
  return body;
}
const fmt = (iso) => iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" }) : "—";
const pct = (x) => x == null ? "—" : (x * 100).toFixed(1) + "%";
const num = (x, d = 2) => x == null ? "—" : Number(x).toFixed(d);
const statusNames = { received: "已受理", triage: "人工分拨", dispatched: "已派单", linked: "已合并", accepted: "办理中", staged: "阶段性办结", replied: "已答复", callback: "待评价", rated: "已评价", reopened: "重新办理", closed: "已办结" };
const typeNames = { consultation: "咨询", help: "求助", suggestion: "建议", complaint: "投诉", report: "举报" };
function keyForm(onReady) {
  const form = $("#key-form"); if (!form) return onReady();
  $("#key").value = key();
  form.addEventListener("submit", (e) => { e.preventDefault(); localStorage.setItem("suban.key", $("#key").value.trim()); onReady(); });
  if (key()) onReady(); else $("#key-state").textContent = "请输入操作员密钥";
}
function showError(error) { const p = $("#key-state") || $("#error"); if (p) { p.hidden = false; p.className = "error"; p.textContent = "出错：" + error.message; } }
function fill(tbody, rows) { tbody.replaceChildren(...rows.map((cells) => h("tr", {}, cells.map((c) => c instanceof Node && c.tagName === "TD" ? c : h("td", {}, c))))); }
function card(label, value) { return h("div", { class: "card" }, label, h("b", {}, value)); }

// Charts: lines (several series over the same x) and horizontal bars, as SVG.
function lineChart(labels, series) {
  const W = 640, H = 220, L = 40, B = 24, max = Math.max(1, ...series.flatMap((x) => x.values));
  const x = (i) => L + (labels.length < 2 ? 0 : i * (W - L - 10) / (labels.length - 1)), y = (v) => H - B - v * (H - B - 10) / max;
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
  for (const t of [0, max / 2, max]) { svg.append(s("line", { x1: L, x2: W - 10, y1: y(t), y2: y(t), stroke: "#e3e7ee" }), s("text", { x: 2, y: y(t) + 4, "font-size": 11, fill: "#6b7683" }, Math.round(t))); }
  labels.forEach((l, i) => { if (i % Math.ceil(labels.length / 6) === 0) svg.append(s("text", { x: x(i), y: H - 6, "font-size": 11, fill: "#6b7683", "text-anchor": "middle" }, l)); });
  for (const se of series) {
    svg.append(s("polyline", { points: se.values.map((v, i) => `${x(i)},${y(v)}`).join(" "), fill: "none", stroke: se.color, "stroke-width": 2, "data-series": se.name }));
    se.values.forEach((v, i) => svg.append(s("circle", { cx: x(i), cy: y(v), r: 2.5, fill: se.color }, s("title", {}, `${labels[i]} ${se.name} ${v}`))));
  }
  const legend = h("div", { class: "legend" }, series.map((se) => h("span", {}, "■ ", se.name, "  ")));
  [...legend.children].forEach((sp, i) => sp.style.color = series[i].color);
  return [svg, legend];
}
function barChart(items) {
  const W = 480, row = 24, H = Math.max(row, items.length * row), max = Math.max(1, ...items.map((i) => i.value));
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
  items.forEach((it, i) => {
    const w = (W - 190) * it.value / max;
    svg.append(s("text", { x: 0, y: i * row + 16, "font-size": 12 }, it.label.slice(0, 12)),
               s("rect", { x: 150, y: i * row + 4, width: Math.max(1, w), height: row - 8, fill: "#d9534f" }),
               s("text", { x: 155 + w, y: i * row + 16, "font-size": 12, fill: "#1d2733" }, it.value));
  });
  return svg;
}
function sparkline(values) {
  const W = 120, H = 28, max = Math.max(1, ...values);
  return s("svg", { viewBox: `0 0 ${W} ${H}`, width: W, height: H, class: "spark" },
           s("polyline", { points: values.map((v, i) => `${i * W / Math.max(1, values.length - 1)},${H - 2 - v * (H - 4) / max}`).join(" "), fill: "none", stroke: "#b3261e", "stroke-width": 1.5 }));
}

// 运维
async function ops() {
  try {
    const { status, throughput } = await api("/v1/ops/status");
    $("#key-state").textContent = "";
    $("#open").replaceChildren(...Object.entries(status.open_tickets).map(([k, v]) => card(statusNames[k] || k, v)));
    const labels = throughput.map((m) => new Date(m.minute).toLocaleTimeString("zh-CN", { hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai" }));
    $("#throughput").replaceChildren(...lineChart(labels, [{ name: "受理", color: "#b3261e", values: throughput.map((m) => m.received) }, { name: "派单", color: "#1f6feb", values: throughput.map((m) => m.dispatched) }]));
    fill($("#streams tbody"), status.streams.flatMap((st) => (st.groups.length ? st.groups : [null]).map((g) => [st.name, g ? g.name : "—", st.length, g && g.lag != null ? g.lag : "—", g ? g.pending : "—", g && g.oldest_pending_seconds != null ? num(g.oldest_pending_seconds, 0) : "—", g ? g.consumers.length : 0])));
    const q = status.department_queues;
    $("#queues").textContent = `共 ${q.streams} 个部门队列，条目 ${q.length}，积压 ${q.lag}，处理中 ${q.pending}`;
    fill($("#busiest tbody"), q.busiest.map((st) => [st.name, st.length, st.groups.reduce((a, g) => a + (g.lag || 0), 0), st.groups.reduce((a, g) => a + g.pending, 0)]));
    const kinds = { dispatch: "派单时限", intervention: "紧急介入", reply: "答复时限", milestone: "阶段节点" };
    fill($("#deadlines tbody"), status.deadlines.map((d) => [kinds[d.kind] || d.kind, d.running, h("td", { class: d.due_within24_hours ? "soon" : "" }, d.due_within24_hours), h("td", { class: d.overdue ? "late" : "" }, d.overdue)]));
    const dead = Object.values(status.dead_letters).reduce((a, b) => a + b, 0);
    $("#dead").textContent = `死信 ${dead} 条；发件箱待发布 ${status.outbox.entries} 条` + (status.outbox.oldest_seconds != null ? `（最早 ${num(status.outbox.oldest_seconds, 0)} 秒）` : "");
    $("#updated").textContent = "更新于 " + fmt(status.at);
  } catch (e) { showError(e); }
}

// 分析
// The export needs the operator's key, which a plain link cannot send: fetch it with the key, then save it.
async function downloadCSV() {
  try {
    const response = await fetch($("#csv").dataset.path, { headers: key() ? { authorization: "Bearer " + key() } : {} });
    if (!response.ok) { const error = new Error(response.statusText); error.status = response.status; throw error; }
    const link = h("a", { href: URL.createObjectURL(await response.blob()), download: `suban-figures-${$("#from").value}-${$("#to").value}.csv` });
    document.body.append(link); link.click(); link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  } catch (e) { showError(e); }
}
function isoDay(d) { return new Date(d.getTime() + 8 * 3600e3).toISOString().slice(0, 10); }
async function analytics() {
  if (!$("#from").value) { $("#to").value = isoDay(new Date()); $("#from").value = isoDay(new Date(Date.now() - 29 * 86400e3)); }
  const q = new URLSearchParams({ from: $("#from").value, to: $("#to").value });
  if ($("#district").value.trim()) q.set("district", $("#district").value.trim());
  $("#csv").dataset.path = "/v1/analytics/figures?" + q + "&by=day,category&format=csv";
  try {
    const [total, byDay, byCategory, byDistrict, hot, cases] = await Promise.all([
      api("/v1/analytics/figures?" + q), api("/v1/analytics/figures?" + q + "&by=day"), api("/v1/analytics/figures?" + q + "&by=category"),
      api("/v1/analytics/figures?" + q + "&by=district"), api("/v1/analytics/hot-issues"), api("/v1/analytics/class-cases")]);
    $("#key-state").textContent = "";
    const t = total.total;
    $("#summary").replaceChildren(card("受理", t.received), card("派单", t.dispatched), card("答复", t.replied), card("办结", t.closed),
      card("按时答复率", pct(t.on_time_rate)), card("满意率", pct(t.satisfaction_rate)), card("平均办理（工作日）", num(t.average_handling_days)),
      card("一次派准率", pct(t.first_time_right_rate)), card("超期", t.overdue), card("不满意回退", t.dissatisfaction_returns));
    const days = []; for (let d = new Date($("#from").value); isoDay(d) <= $("#to").value; d = new Date(d.getTime() + 86400e3)) days.push(isoDay(d));
    const at = Object.fromEntries(byDay.items.map((r) => [r.keys.day, r]));
    $("#trend").replaceChildren(...lineChart(days.map((d) => d.slice(5)), [{ name: "受理", color: "#b3261e", values: days.map((d) => at[d] ? at[d].received : 0) }, { name: "答复", color: "#1f6feb", values: days.map((d) => at[d] ? at[d].replied : 0) }]));
    const top = (rows, k) => rows.items.filter((r) => r.keys[k]).sort((a, b) => b.received - a.received).slice(0, 10).map((r) => ({ label: r.keys[k], value: r.received }));
    $("#by-category").replaceChildren(barChart(top(byCategory, "category")));
    $("#by-district").replaceChildren(barChart(top(byDistrict, "district")));
    const hotRow = (i) => h("li", {}, `${i.label}　${i.count} 件`, h("span", { class: i.change > 0 ? "late" : "muted" }, `（较前日 ${i.change >= 0 ? "+" : ""}${i.change}）`));
    $("#hot-items").replaceChildren(...hot.items.map(hotRow));
    $("#hot-places").replaceChildren(...hot.places.map(hotRow));
    const trends = { rising: "上升", falling: "下降", steady: "平稳" };
    fill($("#cases tbody"), cases.items.map((c) => [c.item_name, h("td", { class: "wrap" }, c.place), h("td", {}, sparkline(c.weekly)), trends[c.trend],
      c.status === "governance" ? `治理中（${c.lead_department}）` : "待治理",
      h("td", {}, c.status === "governance" ? "" : h("button", { type: "button", onclick: () => govern(c.id) }, "纳入治理"))]));
  } catch (e) { showError(e); }
}
async function govern(id) {
  const lead = prompt("牵头单位代码（如 longhua:urban-management）"); if (!lead) return;
  try { await api(`/v1/analytics/class-cases/${id}/governance`, { method: "POST", body: JSON.stringify({ lead_department: lead.trim() }) }); analytics(); } catch (e) { showError(e); }
}

// 部门工作台
async function workbench() {
  const unit = localStorage.getItem("suban.unit") || "";
  if (!unit) { $("#key-state").textContent = "请输入部门与密钥"; return; }
  const base = `/v1/departments/${encodeURIComponent(unit)}`;
  try {
    const { items } = await api(`${base}/queue?status=queued,accepted&limit=200`);
    $("#key-state").textContent = `${unit}：${items.length} 件在办`;
    fill($("#queue tbody"), items.map((t) => {
      const due = t.reply_due_at ? new Date(t.reply_due_at) : null, left = due ? (due - Date.now()) / 3600e3 : null;
      const actions = h("td", {});
      if (t.assignment_status === "queued") actions.append(h("button", { type: "button", onclick: () => act(base, t.ticket_id, "accept", {}) }, "受理"));
      if (t.assignment_status === "accepted") actions.append(h("button", { type: "button", onclick: () => { const text = prompt("答复内容"); if (text) act(base, t.ticket_id, "reply", { text }); } }, "答复"));
      return [h("td", { class: "wrap" }, (t.urgent ? "【紧急】" : "") + t.summary), typeNames[t.type] || t.type, t.assignment_status === "queued" ? "待受理" : "办理中",
              h("td", { class: left == null ? "" : left < 0 ? "late" : left < 24 ? "soon" : "" }, due ? fmt(t.reply_due_at) + (left < 0 ? "（已超期）" : "") : "—"), actions];
    }));
  } catch (e) { showError(e); }
}
async function act(base, ticket, action, body) {
  try { await api(`${base}/tickets/${ticket}/${action}`, { method: "POST", body: JSON.stringify(body) }); workbench(); } catch (e) { showError(e); }
}

// 诉求查询
async function track(code) {
  $("#error").hidden = true;
  try {
    const t = await api(`/v1/appeals/${encodeURIComponent(code)}`);
    $("#ticket").hidden = false;
    const holder = t.holder;
    $("#headline").textContent = `${statusNames[t.status] || t.status}：${holder.name}` + (holder.due_at ? `，时限 ${fmt(holder.due_at)}` : "");
    $("#facts").textContent = `${typeNames[t.type] || t.type} · ${t.item_name || "分类中"} · 受理于 ${fmt(t.received_at)}` + (t.linked ? ` · 已与 ${t.linked.reports} 位市民的同一诉求合并办理` : "");
    $("#timeline").replaceChildren(...t.timeline.slice().reverse().map((st) => h("li", {}, h("div", {}, st.text), h("small", { class: "muted" }, fmt(st.at)))));
    $("#rating").hidden = !t.can_rate;
  } catch (e) { $("#ticket").hidden = true; $("#error").hidden = false; $("#error").textContent = e.status === 404 ? "未找到该查询码的诉求" : "出错：" + e.message; }
}
function ratingForm() {
  const dims = [["speed", "办理速度"], ["effect", "办理效果"], ["service", "服务态度"], ["quality", "答复质量"]];
  $("#rating .dims").replaceChildren(...dims.map(([k, label]) => h("label", {}, label, h("select", { id: "dim-" + k }, [5, 4, 3, 2, 1].map((v) => h("option", { value: v }, `${v} 分`))))));
  $("#rating").addEventListener("submit", async (e) => {
    e.preventDefault();
    const body = Object.fromEntries(dims.map(([k]) => [k, Number($("#dim-" + k).value)]));
    body.token = $("#token").value.trim();
    if ($("#comment").value.trim()) body.comment = $("#comment").value.trim();
    try {
      const r = await api(`/v1/appeals/${encodeURIComponent($("#code").value.trim())}/rating`, { method: "POST", body: JSON.stringify(body) });
      $("#rated").hidden = false; $("#rated").textContent = "感谢评价！当前状态：" + (statusNames[r.status] || r.status);
      track($("#code").value.trim());
    } catch (err) { $("#error").hidden = false; $("#error").textContent = "评价未提交：" + err.message; }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const page = document.body.dataset.page;
  if (page === "ops") keyForm(() => { ops(); clearInterval(window.opsTimer); window.opsTimer = setInterval(ops, 5000); });
  if (page === "analytics") {
    keyForm(analytics);
    $("#filters").addEventListener("submit", (e) => { e.preventDefault(); analytics(); });
    $("#csv").addEventListener("click", (e) => { e.preventDefault(); downloadCSV(); });
  }
  if (page === "workbench") {
    $("#unit").value = localStorage.getItem("suban.unit") || ""; $("#key").value = key();
    $("#unit-form").addEventListener("submit", (e) => { e.preventDefault(); localStorage.setItem("suban.unit", $("#unit").value.trim()); localStorage.setItem("suban.key", $("#key").value.trim()); workbench(); });
    $("#pull").addEventListener("click", async () => {
      const unit = localStorage.getItem("suban.unit");
      try { const r = await api(`/v1/departments/${encodeURIComponent(unit)}/queue/next?wait=2`, { method: "POST" }); $("#pulled").textContent = r ? "已领取：" + r.ticket.text.slice(0, 30) : "暂无新件"; workbench(); }
      catch (e) { showError(e); }
    });
    workbench();
  }
  if (page === "track") {
    ratingForm();
    $("#track-form").addEventListener("submit", (e) => { e.preventDefault(); history.replaceState(null, "", "?code=" + encodeURIComponent($("#code").value.trim())); track($("#code").value.trim()); });
    const params = new URLSearchParams(location.search);
    $("#token").value = params.get("token") || "";
    const code = params.get("code"); if (code) { $("#code").value = code; track(code); }
  }
});
