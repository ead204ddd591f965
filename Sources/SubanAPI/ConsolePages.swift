/// The console's pages, stylesheet and script, served as they are (no build step, no CDN).
/// Every value from the API is put in the page as text, never as HTML.
enum ConsolePages {
    struct Page {
        var type: String
        var body: String
    }

    static let all: [(String, Page)] = [
        ("/console", html("速办 控制台", nav: "", index)),
        ("/console/ops", html("运维监控", nav: "ops", ops)),
        ("/console/analytics", html("数据分析", nav: "analytics", analytics)),
        ("/console/workbench", html("部门工作台", nav: "workbench", workbench)),
        ("/track", html("诉求查询", nav: "track", track)),
        ("/console/app.css", Page(type: "text/css; charset=utf-8", body: css)),
        ("/console/app.js", Page(type: "text/javascript; charset=utf-8", body: script)),
    ]

    static func html(_ title: String, nav: String, _ main: String) -> Page {
        let links = [("ops", "/console/ops", "运维"), ("analytics", "/console/analytics", "分析"), ("workbench", "/console/workbench", "工作台"),
                     ("track", "/track", "诉求查询")]
            .map { "<a href=\"\($0.1)\"\($0.0 == nav ? " class=\"on\"" : "")>\($0.2)</a>" }.joined()
        return Page(type: "text/html; charset=utf-8", body: """
            <!doctype html>
            <html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · 民意速办</title><link rel="stylesheet" href="/console/app.css"><script src="/console/app.js" defer></script></head>
            <body data-page="\(nav)"><header><a class="brand" href="/console">民意速办</a><nav>\(links)</nav></header>
            <main><h1>\(title)</h1>\(main)</main></body></html>
            """)
    }

    static let keyForm = """
        <form class="key" id="key-form"><label>密钥 <input id="key" type="password" autocomplete="off" placeholder="Bearer 密钥"></label>
        <button type="submit">保存</button><span id="key-state" class="muted"></span></form>
        """

    static let index = """
        <p>城市民意速办平台的控制台：</p>
        <ul class="cards"><li><a href="/console/ops">运维监控</a>：队列、积压、吞吐、临期与超期</li>
        <li><a href="/console/analytics">数据分析</a>：趋势、分类与区域、每日十大热点、类案</li>
        <li><a href="/console/workbench">部门工作台</a>：本单位待办、时限与办理</li>
        <li><a href="/track">诉求查询</a>：凭查询码看进度并评价</li></ul>
        """

    static let ops = keyForm + """
        <section><h2>在办工单</h2><div id="open" class="cards"></div></section>
        <section><h2>近一小时吞吐（每分钟）</h2><div id="throughput" class="chart"></div></section>
        <section><h2>消息流与消费组</h2><div class="scroll"><table id="streams"><thead><tr><th>流</th><th>消费组</th><th>长度</th><th>积压</th><th>处理中</th><th>最久处理中(秒)</th><th>消费者</th></tr></thead><tbody></tbody></table></div></section>
        <section><h2>部门队列</h2><p id="queues"></p><div class="scroll"><table id="busiest"><thead><tr><th>部门队列</th><th>长度</th><th>积压</th><th>处理中</th></tr></thead><tbody></tbody></table></div></section>
        <section><h2>时限</h2><div class="scroll"><table id="deadlines"><thead><tr><th>时限</th><th>计时中</th><th>24小时内到期</th><th>已超期</th></tr></thead><tbody></tbody></table></div></section>
        <section><h2>死信与发件箱</h2><p id="dead"></p></section>
        <p class="muted" id="updated"></p>
        """

    static let analytics = keyForm + """
        <form id="filters" class="filters"><label>从 <input type="date" id="from"></label><label>至 <input type="date" id="to"></label>
        <label>区 <input id="district" placeholder="如 longhua" size="10"></label><button type="submit">查询</button>
        <a id="csv" href="#">导出 CSV</a></form>
        <section><div id="summary" class="cards"></div></section>
        <section><h2>趋势：受理与答复（每日）</h2><div id="trend" class="chart"></div></section>
        <section class="two"><div><h2>分类</h2><div id="by-category" class="chart"></div></div><div><h2>区域</h2><div id="by-district" class="chart"></div></div></section>
        <section class="two"><div><h2>今日十大热点 · 事项</h2><ol id="hot-items"></ol></div><div><h2>今日十大热点 · 地点</h2><ol id="hot-places"></ol></div></section>
        <section><h2>类案</h2><div class="scroll"><table id="cases"><thead><tr><th>事项</th><th>地点</th><th>近12周</th><th>趋势</th><th>状态</th><th></th></tr></thead><tbody></tbody></table></div></section>
        """

    static let workbench = """
        <form class="key" id="unit-form"><label>部门 <input id="unit" placeholder="如 longhua:urban-management" size="28"></label>
        <label>密钥 <input id="key" type="password" autocomplete="off"></label><button type="submit">进入</button><span id="key-state" class="muted"></span></form>
        <p><button id="pull" type="button">领取下一件</button> <span id="pulled" class="muted"></span></p>
        <div class="scroll"><table id="queue"><thead><tr><th>诉求</th><th>类型</th><th>状态</th><th>答复时限</th><th>办理</th></tr></thead><tbody></tbody></table></div>
        """

    static let track = """
        <form id="track-form" class="key"><label>查询码 <input id="code" size="30" autocomplete="off"></label><button type="submit">查询</button></form>
        <section id="ticket" hidden><p class="headline" id="headline"></p><p id="facts" class="muted"></p>
        <ol class="timeline" id="timeline"></ol>
        <form id="rating" hidden><h2>请对本次办理评价</h2>
        <label>评价码（短信中） <input id="token" size="18" maxlength="32" autocomplete="off"></label>
        <div class="dims"></div><label>意见 <textarea id="comment" rows="2" maxlength="500"></textarea></label><button type="submit">提交评价</button></form>
        <p id="rated" class="ok" hidden></p></section>
        <p id="error" class="error" hidden></p>
        """

    static let css = """
        *{box-sizing:border-box}body{margin:0;font:15px/1.5 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1d2733;background:#f4f6f9}
        header{display:flex;flex-wrap:wrap;align-items:center;gap:.5em 1.2em;padding:.6em 1em;background:#b3261e;color:#fff}
        header a{color:#fff;text-decoration:none}.brand{font-weight:700;font-size:1.1em}nav{display:flex;flex-wrap:wrap;gap:.9em}nav a.on{border-bottom:2px solid #fff}
        main{max-width:1100px;margin:0 auto;padding:1em}h1{font-size:1.35em;margin:.2em 0 .6em}h2{font-size:1.05em;margin:1.2em 0 .4em}
        section{background:#fff;border-radius:8px;padding:.6em .9em;margin:.8em 0;box-shadow:0 1px 2px #0001}
        .two{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:1em}
        .cards{display:flex;flex-wrap:wrap;gap:.6em;padding:0;list-style:none}.card{background:#fff;border:1px solid #e3e7ee;border-radius:8px;padding:.5em .8em;min-width:120px}
        .card b{display:block;font-size:1.4em}.muted{color:#6b7683}.ok{color:#1b7f3a}.error{color:#b3261e}.late{color:#b3261e;font-weight:600}.soon{color:#b86e00}
        form.key,form.filters{display:flex;flex-wrap:wrap;gap:.5em 1em;align-items:center;margin:.4em 0}input,textarea,select,button{font:inherit}
        input,textarea,select{padding:.25em .4em;border:1px solid #c9d0da;border-radius:4px}button{padding:.3em .9em;border:0;border-radius:4px;background:#b3261e;color:#fff;cursor:pointer}
        table{border-collapse:collapse;width:100%}th,td{padding:.3em .5em;border-bottom:1px solid #eceff3;text-align:left;white-space:nowrap}td.wrap{white-space:normal;min-width:14em}
        .scroll{overflow-x:auto}.chart svg{width:100%;height:auto}.legend{font-size:.85em}.timeline{list-style:none;padding:0;border-left:3px solid #b3261e;margin-left:.5em}
        .timeline li{position:relative;padding:.2em 0 .8em 1em}.timeline li::before{content:"";position:absolute;left:-8px;top:.55em;width:11px;height:11px;border-radius:50%;background:#b3261e}
        .headline{font-size:1.15em;font-weight:600}.dims{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.4em}.dims label{display:flex;justify-content:space-between;gap:.5em}
        @media (max-width:600px){main{padding:.5em}section{padding:.5em}th,td{padding:.25em .3em}}
        """

    static let script = #"""
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
        """#
}
