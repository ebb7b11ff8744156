// Parley admin. Everything goes through the JSON API; every text is set with textContent.
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const SVG = "http://www.w3.org/2000/svg";
  let csrf = null;

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function show(node, text) {
    node.hidden = !text;
    node.textContent = text || "";
  }

  async function call(method, path, body) {
    const headers = { Accept: "application/json" };
    const options = { method, headers, credentials: "same-origin" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrf || "";
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = {};
    try { data = await response.json(); } catch (_) { data = {}; }
    if (response.status === 401) showSignIn();
    return { ok: response.ok, status: response.status, data };
  }

  const when = (iso) => (iso ? iso.replace("T", " ").slice(0, 16) : "");
  const isoDay = (d) => d.toISOString().slice(0, 10);

  // --- sign in ------------------------------------------------------------------------------

  function showSignIn() {
    for (const s of document.querySelectorAll("main > section")) s.hidden = true;
    $("tabs") && ($("tabs").hidden = true);
    $("sign-in") && ($("sign-in").hidden = false);
  }

  async function signIn(event) {
    event.preventDefault();
    const token = $("token").value.trim();
    const result = await call("POST", "/auth/login", { token });
    if (!result.ok) { show($("sign-in-error"), result.data.error || "That token is not valid."); return; }
    location.reload();
  }

  async function signOut() {
    await call("POST", "/auth/logout");
    location.assign("/admin");
  }

  // --- tabs ---------------------------------------------------------------------------------

  const loaders = {};
  function openTab(name) {
    for (const b of document.querySelectorAll(".tab")) {
      b.setAttribute("aria-selected", String(b.dataset.tab === name));
    }
    for (const s of document.querySelectorAll(".panel")) s.hidden = s.id !== name;
    history.replaceState(null, "", "#" + name);
    loaders[name]();
  }

  // --- dashboard ----------------------------------------------------------------------------

  function setPeriod(days) {
    const to = new Date();
    const from = new Date(to.getTime() - (days - 1) * 86400000);
    $("from").value = isoDay(from);
    $("to").value = isoDay(to);
  }

  loaders.dashboard = async () => {
    if (!$("from").value) setPeriod(30);
    const q = new URLSearchParams({ from: $("from").value, to: $("to").value });
    const { ok, data } = await call("GET", "/api/dashboard?" + q);
    show($("dashboard-error"), ok ? "" : data.error);
    if (!ok) return;
    const inst = data.instalments;
    const figures = [
      ["Conversations", data.conversations],
      ["Verified", data.verified],
      ["Offered a plan", data.offers.conversations],
      ["Plans accepted", data.offers.accepted],
      ["Arrangements", data.arrangements.count],
      ["Handed to a person", data.handoffs.count],
      ["Instalments kept", inst.kept_rate === null ? "–" : Math.round(inst.kept_rate * 100) + "%",
        `${inst.kept} kept, ${inst.missed} missed, ${inst.upcoming} to come`],
    ];
    for (const [currency, amount] of Object.entries(data.arrangements.totals)) {
      figures.push([`Agreed (${currency})`, amount]);
    }
    $("figures").replaceChildren(...figures.map(([label, value, note]) =>
      el("div", { class: "figure", "data-figure": label },
        el("div", { class: "value" }, value), el("div", { class: "label" }, label),
        note ? el("div", { class: "note" }, note) : null)));
    drawDays($("chart-days"), data.days);
    drawBars($("chart-funnel"), [
      ["Conversations", data.conversations], ["Verified", data.verified],
      ["Offered", data.offers.conversations], ["Arrangements", data.arrangements.count],
    ]);
    const reasons = Object.entries(data.handoffs.by_reason).sort((a, b) => b[1] - a[1]);
    if (reasons.length) drawBars($("chart-handoffs"), reasons);
    else $("chart-handoffs").replaceChildren(el("p", { class: "empty" }, "No handoffs in this period."));
  };

  function drawDays(box, days) {
    const w = 560, h = 220, left = 34, bottom = 26, top = 14;
    const max = Math.max(1, ...days.map((d) => Math.max(d.conversations, d.arrangements)));
    const step = (w - left) / Math.max(1, days.length);
    const bar = Math.max(1, step / 2 - 1);
    const y = (v) => top + (h - top - bottom) * (1 - v / max);
    const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img",
      "aria-label": "Conversations and arrangements per day" });
    chart.append(svg("line", { class: "axis", x1: left, y1: h - bottom, x2: w, y2: h - bottom }));
    chart.append(svg("text", { x: 0, y: top + 4 }, String(max)));
    chart.append(svg("text", { x: 0, y: h - bottom }, "0"));
    days.forEach((d, i) => {
      const x = left + i * step;
      for (const [key, cls, dx] of [["conversations", "a", 0], ["arrangements", "b", bar + 1]]) {
        const rect = svg("rect", { class: cls, x: x + dx, y: y(d[key]), width: bar,
          height: Math.max(0, h - bottom - y(d[key])) });
        rect.append(svg("title", {}, `${d.date}: ${d[key]} ${key}`));
        chart.append(rect);
      }
      if (i === 0 || i === days.length - 1 || (days.length > 2 && i === Math.floor(days.length / 2))) {
        chart.append(svg("text", { x, y: h - 6 }, d.date.slice(5)));
      }
    });
    const legend = el("div", { class: "legend" },
      el("span", {}, el("span", { class: "swatch a" }), "conversations"),
      el("span", {}, el("span", { class: "swatch b" }), "arrangements"));
    box.replaceChildren(chart, legend);
  }

  function drawBars(box, rows) {
    const w = 560, row = 30, labelWidth = 190;
    const h = rows.length * row + 4;
    const max = Math.max(1, ...rows.map((r) => r[1]));
    const chart = svg("svg", { viewBox: `0 0 ${w} ${h}`, role: "img" });
    rows.forEach(([label, value], i) => {
      const y = i * row + 4;
      const width = ((w - labelWidth - 50) * value) / max;
      chart.append(svg("text", { x: 0, y: y + 16 }, label.replaceAll("_", " ")));
      const rect = svg("rect", { class: "a", x: labelWidth, y, width: Math.max(value ? 2 : 0, width),
        height: row - 8, rx: 3 });
      rect.append(svg("title", {}, `${label}: ${value}`));
      chart.append(rect);
      chart.append(svg("text", { x: labelWidth + width + 6, y: y + 16 }, String(value)));
    });
    box.replaceChildren(chart);
  }

  // --- limits -------------------------------------------------------------------------------

  let policies = null, meanings = {}, selected = null;

  loaders.limits = async () => {
    const { ok, data } = await call("GET", "/api/policies");
    if (!ok) return;
    policies = data.policies;
    meanings = data.keys;
    $("segments").replaceChildren(...policies.map((p) => {
      const row = el("tr", { class: "pick", tabindex: "0", "data-segment": p.segment },
        el("td", {}, p.segment), el("td", {}, p.own ? String(p.version) : "–"),
        el("td", {}, p.own ? "its own" : `uses ${p.source}`));
      row.addEventListener("click", () => pick(p.segment));
      row.addEventListener("keydown", (e) => { if (e.key === "Enter") pick(p.segment); });
      return row;
    }));
    if (selected) pick(selected);
  };

  async function pick(segment) {
    selected = segment;
    const policy = policies.find((p) => p.segment === segment);
    for (const r of $("segments").children) {
      r.setAttribute("aria-selected", String(r.dataset.segment === segment));
    }
    $("editing").textContent = policy.own
      ? `${segment} — version ${policy.version}, by ${policy.created_by}`
      : `${segment} — uses the ${policy.source} limits; saving gives it its own`;
    $("limits-form").hidden = false;
    show($("limits-error"), "");
    $("limit-fields").replaceChildren(...Object.entries(meanings).map(([key, meaning]) => {
      const input = el("input", { name: key, id: "limit-" + key, value: String(policy.limits[key]),
        inputmode: "decimal", maxlength: "40", required: "" });
      input.dataset.current = String(policy.limits[key]);
      input.addEventListener("input", () => {
        input.classList.toggle("changed", input.value !== input.dataset.current);
      });
      return el("label", { for: "limit-" + key }, el("strong", {}, key),
        el("span", { class: "meaning" }, meaning), input);
    }));
    const { ok, data } = await call("GET", `/api/policies/${encodeURIComponent(segment)}/history`);
    const versions = ok ? data.versions.slice().reverse() : [];
    $("history").replaceChildren(...(versions.length ? versions.map((v) => el("tr", {},
      el("td", {}, String(v.version)), el("td", {}, when(v.created_at)), el("td", {}, v.created_by),
      el("td", {}, Object.entries(v.changes)
        .map(([k, [old, now]]) => `${k}: ${old === null ? "–" : old} → ${now}`).join("\n"))))
      : [el("tr", {}, el("td", { colspan: "4" }, "Never changed: the built-in or default limits apply."))]));
  }

  async function saveLimits(event) {
    event.preventDefault();
    const limits = {};
    for (const input of $("limit-fields").querySelectorAll("input")) {
      if (input.value.trim() !== input.dataset.current) limits[input.name] = input.value.trim();
    }
    show($("limits-saved"), "");
    if (!Object.keys(limits).length) { show($("limits-error"), "Nothing has changed."); return; }
    const { ok, data } = await call("PUT", `/api/policies/${encodeURIComponent(selected)}`, { limits });
    if (!ok) { show($("limits-error"), data.error || "The change was not saved."); return; }
    show($("limits-error"), "");
    await loaders.limits();
    show($("limits-saved"), `Saved as version ${data.version}.`);
  }

  // --- approvals ----------------------------------------------------------------------------

  loaders.approvals = async () => {
    const { ok, status, data } = await call("GET", "/api/approvals");
    const list = $("approval-list");
    if (!ok) {
      list.replaceChildren();
      show($("approvals-note"), status === 404 ? "Approvals need the handoff desk (the console)." : data.error);
      return;
    }
    const items = data.items || [];
    countApprovals(items.length);
    show($("approvals-note"), items.length ? "" : "No plans are waiting for a decision.");
    list.replaceChildren(...items.map(approvalCard));
  };

  function approvalCard(item) {
    const plan = item.plan || {};
    const count = (plan.instalments || []).length;
    const note = el("input", { "aria-label": "Note", placeholder: "Note (optional)", maxlength: "2000" });
    const result = el("p", { class: "error", role: "alert", hidden: "" });
    const act = (verb) => async () => {
      const { ok, data } = await call("POST", `/api/approvals/${item.id}/${verb}`, { note: note.value });
      if (!ok) { show(result, data.error || (data.reasons || []).join(", ") || "Not done."); return; }
      loaders.approvals();
    };
    const approve = el("button", { type: "button" }, "Approve and send");
    approve.addEventListener("click", act("approve"));
    const deny = el("button", { type: "button", class: "secondary" }, "Deny");
    deny.addEventListener("click", act("deny"));
    return el("div", { class: "approval", "data-approval": String(item.id) },
      el("strong", {}, `${item.reference || "?"} — ${plan.kind || "plan"}`),
      el("div", { class: "note" }, `asked by ${item.requested_by || "?"} at ${when(item.created_at)}`),
      el("pre", {}, `${plan.monthly ? plan.monthly + " a month, " : ""}${count} payment(s), total ${plan.total ?? "?"}` +
        `\nBeyond the limits: ${(item.breaches || []).join("; ")}` + (item.note ? `\nAgent's note: ${item.note}` : "")),
      el("div", { class: "actions" }, note, approve, deny), result);
  }

  function countApprovals(n) {
    const badge = $("approval-count");
    badge.hidden = !n;
    badge.textContent = String(n);
  }

  // --- audit --------------------------------------------------------------------------------

  let auditBefore = null;
  loaders.audit = () => searchAudit(false);

  async function searchAudit(more) {
    const q = new URLSearchParams({ limit: "50" });
    const fields = { kind: "audit-kind", reference: "audit-reference", from: "audit-from", to: "audit-to" };
    for (const [name, id] of Object.entries(fields)) {
      const value = $(id).value.trim();
      if (value) q.set(name, value);
    }
    if (more && auditBefore) q.set("before", String(auditBefore));
    const { ok, data } = await call("GET", "/api/audit?" + q);
    show($("audit-error"), ok ? "" : data.error);
    if (!ok) return;
    const rows = data.events.map((e) => el("tr", { "data-kind": e.kind },
      el("td", {}, when(e.at)), el("td", {}, e.kind), el("td", {}, e.actor),
      el("td", {}, e.reference || ""), el("td", {}, e.conversation_id ?? ""),
      el("td", {}, JSON.stringify(e.data))));
    if (more) $("audit-rows").append(...rows); else $("audit-rows").replaceChildren(...rows);
    if (!more && !rows.length) {
      $("audit-rows").replaceChildren(el("tr", {}, el("td", { colspan: "6" }, "No events match.")));
    }
    auditBefore = data.next_before;
    $("audit-more").hidden = !auditBefore;
  }

  // --- start --------------------------------------------------------------------------------

  async function boot() {
    const me = await call("GET", "/auth/me");
    const signOutButton = $("sign-out");
    signOutButton.addEventListener("click", signOut);
    if (!me.ok) {
      showSignIn();
      if ($("sign-in-form")) $("sign-in-form").addEventListener("submit", signIn);
      return;
    }
    csrf = me.data.csrf;
    $("who").textContent = `${me.data.name} (${me.data.role})`;
    signOutButton.hidden = false;
    if (document.body.dataset.page === "forbidden") return;
    if (me.data.role !== "admin") { $("forbidden").hidden = false; return; }
    $("tabs").hidden = false;
    for (const b of document.querySelectorAll(".tab")) b.addEventListener("click", () => openTab(b.dataset.tab));
    $("period").addEventListener("submit", (e) => { e.preventDefault(); loaders.dashboard(); });
    for (const b of document.querySelectorAll("[data-days]")) {
      b.addEventListener("click", () => { setPeriod(Number(b.dataset.days)); loaders.dashboard(); });
    }
    $("limits-form").addEventListener("submit", saveLimits);
    $("audit-form").addEventListener("submit", (e) => { e.preventDefault(); searchAudit(false); });
    $("audit-more").addEventListener("click", () => searchAudit(true));
    const first = (location.hash || "#dashboard").slice(1);
    openTab(loaders[first] ? first : "dashboard");
    call("GET", "/api/approvals").then((r) => r.ok && countApprovals((r.data.items || []).length));
  }

  boot();
})();
