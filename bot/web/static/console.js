"use strict";
// The agent console. Everything a debtor wrote is shown with textContent, never as HTML.

const state = {
  me: null,          // {name, role, csrf}
  items: [],         // the queue
  offset: 0,         // server clock minus ours, in ms
  current: null,     // the handoff id on screen
  context: null,     // its context panel
  calc: null,        // the last calculator request and result
};

const $ = (id) => document.getElementById(id);

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

async function api(method, path, body) {
  const headers = {"Accept": "application/json"};
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRF-Token"] = state.me ? state.me.csrf : "";
  }
  const response = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    window.location.assign("/console/login");
    throw new Error("signed out");
  }
  const data = await response.json().catch(() => ({}));
  return {status: response.status, ok: response.ok, data};
}

function say(text, isError) {
  const notice = $("notice");
  notice.textContent = text || "";
  notice.className = isError ? "notice error" : "notice";
}

// --- the queue ----------------------------------------------------------------------------

function waited(item) {
  if (item.status !== "queued") return item.waited_seconds;
  const now = Date.now() + state.offset;
  return Math.max(0, Math.floor((now - Date.parse(item.created_at)) / 1000));
}

function duration(seconds) {
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}m ${String(s).padStart(2, "0")}s`;
}

function paintWait(cell, item) {
  const seconds = waited(item);
  cell.textContent = `${duration(seconds)} / ${duration(item.target_seconds)}`;
  cell.classList.toggle("overdue", item.status === "queued" && seconds > item.target_seconds);
}

// Only the waiting times change every second; rows stay put so clicks land.
function tick() {
  const cells = $("queue").querySelectorAll("td.waited");
  cells.forEach((cell, index) => { if (state.items[index]) paintWait(cell, state.items[index]); });
}

function renderQueue() {
  const body = $("queue").querySelector("tbody");
  clear(body);
  for (const item of state.items) {
    const row = el("tr");
    row.dataset.handoffId = String(item.id);
    if (item.id === state.current) row.classList.add("selected");
    row.appendChild(el("td", item.priority));
    row.appendChild(el("td", item.reason));
    row.appendChild(el("td", item.reference || "(not identified)"));
    const wait = el("td");
    wait.className = "waited";
    paintWait(wait, item);
    row.appendChild(wait);
    let status = item.status === "claimed" ? `claimed by ${item.agent}` : "queued";
    if (item.callback_at) status += ` · callback ${new Date(item.callback_at).toLocaleString()}`;
    row.appendChild(el("td", status));
    row.addEventListener("click", () => open(item.id));
    body.appendChild(row);
  }
  $("queue-empty").hidden = state.items.length > 0;
}

// --- one handoff --------------------------------------------------------------------------

async function open(id) {
  state.current = id;
  state.calc = null;
  clear($("calc-results"));
  $("refusal").hidden = true;
  say("");
  renderQueue();
  await refresh();
}

async function refresh() {
  if (state.current === null) return;
  const {ok, data} = await api("GET", `/console/api/handoffs/${state.current}`);
  if (!ok) { say(data.error || "Could not load it.", true); return; }
  state.context = data;
  renderDetail();
}

function senderLabel(message) {
  if (message.direction === "in") return "Debtor";
  if (message.sender === "agent") return `Agent${message.by ? " " + message.by.split(":")[1] : ""}`;
  if (message.sender === "system") return "Notice";
  return "Bot";
}

function renderTranscript(messages) {
  const list = $("transcript");
  clear(list);
  for (const message of messages) {
    const item = el("li");
    item.dataset.messageId = String(message.id);
    item.dataset.status = message.status;
    item.classList.add(message.direction === "in" ? "in" : message.sender);
    if (message.kind === "resume") {
      item.classList.add("event");
      item.appendChild(el("span", `Returned to the bot at “${message.text}”`));
    } else {
      const who = `${senderLabel(message)} · ${new Date(message.at).toLocaleString()}`;
      item.appendChild(el("span", message.status === "blocked" ? `${who} · not sent` : who, "who"));
      const text = message.text || (message.buttons.length ? "(pressed a button)" : "(command)");
      item.appendChild(el("span", text, message.status === "blocked" ? "text blocked" : "text"));
      for (const reason of message.reasons || []) item.appendChild(el("span", reason, "who"));
    }
    list.appendChild(item);
  }
  list.scrollTop = list.scrollHeight;
}

function facts(target, pairs) {
  clear(target);
  for (const [name, value] of pairs) {
    if (value === undefined || value === null || value === "") continue;
    target.appendChild(el("dt", name));
    target.appendChild(el("dd", value));
  }
}

function renderDetail() {
  const c = state.context;
  const h = c.handoff;
  $("detail").hidden = false;
  $("detail-title").textContent = `${h.reference || "Unidentified"} · ${h.reason}`;
  $("detail-status").textContent =
    h.status === "claimed" ? `claimed by ${h.agent}` : h.status;
  const mine = h.status === "claimed" && h.agent === c.you.name;
  const admin = c.you.role === "admin";
  $("claim").hidden = h.status !== "queued";
  $("release").hidden = !mine;
  $("reply-form").hidden = !mine;
  $("handback").hidden = !(mine || (admin && (h.status === "queued" || h.status === "claimed")));
  $("calc-form").querySelector("button").disabled = !c.account;
  renderTranscript(c.transcript);
  const a = c.account;
  facts($("facts"), [
    ["Verified", c.verified ? "yes" : "not verified — verify by other means before discussing the debt; plans are refused"],
    ["Opted out", c.opted_out ? "yes — nothing may be sent" : null],
    ["Tone", c.tone],
    ["Language", h.language],
    ["State", h.state],
    ["Channel", h.channel],
    ["Name", a && a.full_name],
    ["Balance", a && `${a.balance} ${a.currency} (principal ${a.principal}, interest ${a.interest}, fees ${a.fees})`],
    ["APR", a && `${a.apr}%`],
    ["Days past due", a && a.days_past_due],
    ["Jurisdiction", a && `${a.jurisdiction} · ${a.timezone}`],
    ["Disputed", a && a.disputed ? "yes" : null],
    ["Time-barred", a && a.time_barred ? "yes" : null],
    ["Smallest in-limit monthly", c.min_monthly && a ? `${c.min_monthly} ${a.currency}` : null],
    ["Callback", h.callback_at ? new Date(h.callback_at).toLocaleString() : null],
  ]);
  facts($("situation"), Object.entries(c.situation || {}));
  const offers = $("offers");
  clear(offers);
  for (const o of c.offers) {
    offers.appendChild(el("li",
      `${o.kind}: ${o.monthly}/month × ${o.months}, total ${o.total}, APR ${o.apr}% — ` +
      `${o.reason || ""} [${o.status}, ${o.by}]`));
  }
  for (const a2 of c.approvals) {
    offers.appendChild(el("li",
      `Approval ${a2.id} (${a2.status}): ${a2.plan.kind} ${a2.plan.monthly}/month — ${a2.breaches.join("; ")}`));
  }
  const guard = $("guard");
  clear(guard);
  for (const g of c.guard) {
    const detail = [g.category, ...(g.reasons || [])].filter(Boolean).join(" — ");
    guard.appendChild(el("li", `${g.kind}${detail ? ": " + detail : ""} (${g.actor})`));
  }
  facts($("limits"), c.limits ? Object.entries(c.limits.limits) : []);
  $("limits-source").textContent = c.limits ? `${c.limits.segment} v${c.limits.version}` : "";
  renderOverrides(c.limits ? c.limits.limits : {});
  const select = $("return-state");
  if (!select.options.length) {
    for (const name of c.resumable) select.appendChild(new Option(name, name));
    select.value = "offer";
  }
}

function renderOverrides(limits) {
  const box = $("calc-overrides");
  if (box.dataset.ready) return;
  for (const key of Object.keys(limits)) {
    const label = el("label", `${key} `);
    const input = el("input");
    input.dataset.key = key;
    input.placeholder = String(limits[key]);
    input.maxLength = 20;
    label.appendChild(input);
    box.appendChild(label);
  }
  box.dataset.ready = Object.keys(limits).length ? "1" : "";
}

// --- actions ------------------------------------------------------------------------------

async function act(path, body, done) {
  const {ok, data} = await api("POST", `/console/api/handoffs/${state.current}/${path}`, body);
  if (!ok) say(data.error || "That did not work.", true);
  else if (done) done(data);
  await refresh();
  return {ok, data};
}

async function send(event) {
  event.preventDefault();
  const box = $("reply-text");
  const text = box.value.trim();
  if (!text) return;
  $("refusal").hidden = true;
  const {status, data} = await api("POST", `/console/api/handoffs/${state.current}/messages`, {text});
  if (status === 422) {
    const list = $("refusal-reasons");
    clear(list);
    for (const reason of data.reasons) list.appendChild(el("li", reason));
    $("refusal").hidden = false;
  } else if (status === 200) {
    box.value = "";
    say("Sent.");
  } else {
    say(data.error || "Not sent.", true);
  }
  await refresh();
}

function calcRequest() {
  const overrides = {};
  for (const input of $("calc-overrides").querySelectorAll("input")) {
    if (input.value.trim()) overrides[input.dataset.key] = input.value.trim();
  }
  return {
    monthly: $("calc-monthly").value.trim() || null,
    holiday_months: Number($("calc-holiday").value || 0),
    overrides,
  };
}

async function calculate(event) {
  event.preventDefault();
  const request = calcRequest();
  const {ok, data} = await api("POST", `/console/api/handoffs/${state.current}/calculate`, request);
  const list = $("calc-results");
  clear(list);
  if (!ok) { list.appendChild(el("li", data.error, "error")); return; }
  state.calc = request;
  if (!data.options.length) {
    const least = data.limits_reached && data.limits_reached.min_monthly;
    list.appendChild(el("li", least ? `Nothing fits; the least a plan needs is ${least} a month.` : "Nothing fits."));
  }
  data.options.forEach((o, index) => {
    const item = el("li", `${o.kind}: ${o.monthly}/month × ${o.instalments.length}, total ${o.total}, ` +
      `APR ${o.apr}%, saves ${o.saving} — ${o.reason.text}`);
    if (!o.within_limits) item.appendChild(el("span", ` Beyond the limits: ${o.breaches.join("; ")}`, "overdue"));
    const button = el("button", o.within_limits ? "Offer this" : "Ask an admin");
    button.type = "button";
    if (state.context && !state.context.verified) {
      button.disabled = true;  // the server answers 409: a plan states the debt
      button.title = "not verified";
    }
    button.addEventListener("click", () => offer(index));
    item.appendChild(button);
    list.appendChild(item);
  });
}

async function offer(index) {
  const body = {...state.calc, option: index, note: $("calc-note").value};
  const {status, data} = await api("POST", `/console/api/handoffs/${state.current}/plans`, body);
  if (status === 202) say(`Waiting for an admin's approval (request ${data.approval_id}).`);
  else if (status === 200) say("Plan sent.");
  else if (status === 422) say(`Not sent: ${data.reasons.join("; ")}`, true);
  else say(data.error || "Not sent.", true);
  await refresh();
}

async function loadApprovals() {
  if (!state.me || state.me.role !== "admin") return;
  const {ok, data} = await api("GET", "/console/api/approvals");
  if (!ok) return;
  $("approvals-pane").hidden = false;
  const list = $("approvals");
  clear(list);
  for (const a of data.items) {
    const item = el("li", `${a.reference} · ${a.requested_by}: ${a.plan.kind} ${a.plan.monthly}/month × ` +
      `${a.plan.instalments.length} — ${a.breaches.join("; ")}`);
    for (const [label, verb] of [["Approve", "approve"], ["Deny", "deny"]]) {
      const button = el("button", label);
      button.type = "button";
      button.addEventListener("click", async () => {
        const r = await api("POST", `/console/api/approvals/${a.id}/${verb}`, {note: ""});
        say(r.ok ? `Approval ${a.id}: ${r.data.status}` : (r.data.error || r.data.reasons.join("; ")), !r.ok);
        await loadApprovals();
      });
      item.appendChild(button);
    }
    list.appendChild(item);
  }
}

// --- live updates -------------------------------------------------------------------------

function connect() {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${window.location.host}/console/ws`);
  socket.addEventListener("open", () => { $("live").textContent = "live"; $("live").className = "live"; });
  socket.addEventListener("close", () => {
    $("live").textContent = "offline";
    $("live").className = "live off";
    setTimeout(connect, 2000);
  });
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "queue") {
      state.items = message.items;
      state.offset = Date.parse(message.now) - Date.now();
      renderQueue();
    } else if (message.type === "handoff" && message.id === state.current) {
      refresh();
    } else if (message.type === "approvals") {
      loadApprovals();
    } else if (message.type === "resync") {
      refresh();
      loadApprovals();
    }
  });
}

async function start() {
  const {ok, data} = await api("GET", "/auth/me");
  if (!ok) return;
  state.me = data;
  $("who").textContent = `${data.name} (${data.role})`;
  $("claim").addEventListener("click", () => act("claim", {}, () => say("Claimed.")));
  $("release").addEventListener("click", () => act("release", {}, () => say("Released.")));
  $("reply-form").addEventListener("submit", send);
  $("calc-form").addEventListener("submit", calculate);
  $("return").addEventListener("click", () =>
    act("return", {state: $("return-state").value}, (d) => say(`Returned to the bot (${d.state}).`)));
  $("close").addEventListener("click", () =>
    act("close", {note: $("close-note").value}, () => say("Closed.")));
  $("logout").addEventListener("click", async () => {
    await api("POST", "/auth/logout", {});
    window.location.assign("/console/login");
  });
  setInterval(tick, 1000);
  connect();
  loadApprovals();
}

start();
