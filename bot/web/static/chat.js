// Parley web chat. Every text from the server is shown with textContent, never as HTML.
"use strict";
(() => {
  const UI = {
    en: {
      title: "Parley", "mode.bot": "Assistant", "mode.agent": "A person from our team",
      "input.label": "Your message", "input.placeholder": "Type a message", send: "Send",
      agent: "Our team", offline: "Connection lost — trying again…",
      slow: "That was quick — please wait a moment, then try again.",
      failed: "Not sent.", retry: "Try again", error: "Something went wrong — please try again.",
    },
    zh_CN: {
      title: "Parley", "mode.bot": "智能助手", "mode.agent": "我们的工作人员",
      "input.label": "您的消息", "input.placeholder": "请输入消息", send: "发送",
      agent: "工作人员", offline: "连接中断，正在重试…",
      slow: "发送得有点快，请稍等片刻再试。",
      failed: "未发送。", retry: "重试", error: "出了点问题，请再试一次。",
    },
  };
  const $ = (id) => document.getElementById(id);
  const log = $("log"), form = $("composer"), input = $("text"), sendButton = $("send");
  const statusLine = $("status"), modeLine = $("mode");
  const seen = new Set();
  let lang = (navigator.language || "").toLowerCase().startsWith("zh") ? "zh_CN" : "en";
  let mode = "bot", lastId = 0, busy = false, hidden = false;

  const t = (key) => (UI[lang] || UI.en)[key] || UI.en[key] || key;

  function setLanguage(code) {
    if (!code) return;
    lang = code.startsWith("zh") ? "zh_CN" : "en";
    document.documentElement.lang = lang === "zh_CN" ? "zh-CN" : "en";
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    for (const el of document.querySelectorAll("[data-i18n-placeholder]")) {
      el.placeholder = t(el.dataset.i18nPlaceholder);
    }
    for (const b of document.querySelectorAll(".lang")) {
      b.setAttribute("aria-pressed", String(b.dataset.lang === lang));
    }
    showMode(mode);
  }

  function showMode(value) {
    mode = value || "bot";
    modeLine.textContent = t(mode === "agent" ? "mode.agent" : "mode.bot");
  }

  function showStatus(key) {
    statusLine.hidden = !key;
    statusLine.textContent = key ? t(key) : "";
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function disableChoices() {
    for (const b of log.querySelectorAll(".choice")) b.disabled = true;
  }

  function bubble(from, text) {
    const el = document.createElement("div");
    el.className = "msg " + (["you", "agent", "system"].includes(from) ? from : "bot");
    if (from === "agent") {
      const who = document.createElement("span");
      who.className = "from";
      who.textContent = t("agent");
      el.append(who);
    }
    el.append(document.createTextNode(text));
    log.append(el);
    return el;
  }

  function addMessage(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    lastId = Math.max(lastId, m.id);
    if (m.from !== "you") disableChoices();
    bubble(m.from, m.text);
    if (m.buttons && m.buttons.length) {
      const row = document.createElement("div");
      row.className = "choices";
      for (const b of m.buttons) {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "choice";
        button.textContent = b.label;
        button.dataset.id = b.id;
        button.addEventListener("click", () => {
          if (busy) return;
          disableChoices();
          send({ button: b.id }, b.label);
        });
        row.append(button);
      }
      log.append(row);
    }
  }

  function apply(reply) {
    if (reply.language) setLanguage(reply.language);
    if (reply.mode) showMode(reply.mode);
    for (const m of reply.messages || []) addMessage(m);
    scrollDown();
    // Idle too long (a shared device): the server hides what was disclosed until the
    // debtor verifies again, and shows it again after; the page follows, whoever sits here.
    if (typeof reply.hidden === "boolean" && reply.hidden !== hidden) {
      hidden = reply.hidden;
      reload();
    }
  }

  function newId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  async function call(method, path, body) {
    const options = { method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(path, options);
    let data = {};
    try { data = await response.json(); } catch (_) { data = {}; }
    return { status: response.status, data };
  }

  function setBusy(value) {
    busy = value;
    sendButton.disabled = value;
  }

  // One event to the bot; every retry (automatic, or the "Try again" button) reuses the id,
  // so a message the server took before the answer was lost still counts once.
  async function send(event, echo, id) {
    setBusy(true);
    const mine = echo ? bubble("you", echo) : null;
    scrollDown();
    const body = Object.assign({ id: id || newId() }, event);
    try {
      for (let attempt = 0; ; attempt++) {
        let result = null;
        try { result = await call("POST", "/chat/send", body); } catch (_) { result = null; }
        if (result && result.status === 200) {
          showStatus(null);
          if (result.data.duplicate) await reload(); else apply(result.data);
          return true;
        }
        if (result && result.status === 429) { showStatus("slow"); break; }
        if (result && result.status < 500) { showStatus("error"); break; }
        if (attempt >= 3) { showStatus("offline"); break; }
        showStatus("offline");
        await sleep(1000 * 2 ** attempt);
      }
      if (mine) markFailed(mine, event, echo, body.id);
      return false;
    } finally {
      setBusy(false);
    }
  }

  function markFailed(el, event, echo, id) {
    el.classList.add("failed");
    const note = document.createElement("span");
    note.className = "from";
    note.textContent = t("failed");
    const retry = document.createElement("button");
    retry.type = "button";
    retry.className = "retry";
    retry.textContent = t("retry");
    retry.addEventListener("click", () => { el.remove(); send(event, echo, id); });
    note.append(retry);
    el.append(note);
  }

  async function reload() {
    const { status, data } = await call("GET", "/chat/history");
    if (status !== 200) return data;
    log.replaceChildren();
    seen.clear();
    apply(data);
    return data;
  }

  // Messages written later (a person from our team, while they have the conversation).
  async function poll() {
    let delay = 1000;
    for (;;) {
      try {
        const { status, data } = await call("GET", "/chat/poll?after=" + lastId);
        if (status === 200) {
          if (statusLine.textContent === t("offline")) showStatus(null);
          apply(data);
          delay = 1000;
          continue;
        }
      } catch (_) { /* dropped: wait and try again */ }
      showStatus("offline");
      await sleep(delay);
      delay = Math.min(delay * 2, 30000);
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value;
    if (!text.trim() || busy) return;
    input.value = "";
    input.style.height = "";
    disableChoices();
    send({ text }, text);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  input.addEventListener("input", () => {
    input.style.height = "";
    input.style.height = Math.min(input.scrollHeight, 140) + "px";
  });
  for (const b of document.querySelectorAll(".lang")) {
    b.addEventListener("click", () => {
      if (busy || b.dataset.lang === lang) return;
      setLanguage(b.dataset.lang);
      send({ language: b.dataset.lang });
    });
  }

  async function boot() {
    setLanguage(lang);
    const ref = new URLSearchParams(location.search).get("ref");
    let data = null;
    try { data = await reload(); } catch (_) { showStatus("offline"); }
    if (ref) {
      history.replaceState(null, "", location.pathname);
      await send({ start: ref.slice(0, 64) });
    } else if (data && data.state === null) {
      await send({ start: null });
    }
    poll();
    input.focus();
  }

  boot();
})();
