// Slate's foundation live view: sign in, pick a production, watch it change live over /ws/.
// A plain script on purpose: the React workspace (issue 3) replaces this page.
"use strict";
const $ = (sel) => document.querySelector(sel);
const state = { user: null, production: null, scenes: new Map(), lastId: {}, socket: null, retry: 0 };

function csrf() {
  const m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return m ? decodeURIComponent(m[1]) : "";
}

async function api(path, options = {}) {
  const headers = { "Accept": "application/json", ...(options.headers || {}) };
  if (options.body && !(options.body instanceof FormData)) headers["Content-Type"] = "application/json";
  if (options.method && options.method !== "GET") headers["X-CSRFToken"] = csrf();
  const response = await fetch(path, { credentials: "same-origin", ...options, headers });
  const body = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw Object.assign(new Error(body?.message || response.statusText), { status: response.status, body });
  return body;
}

function show(id) { for (const s of ["signin", "productions", "workspace"]) $("#" + s).hidden = s !== id; }
function text(tag, value, cls) { const el = document.createElement(tag); el.textContent = value ?? ""; if (cls) el.className = cls; return el; }

async function start() {
  try { state.user = await api("/api/auth/me/"); } catch { state.user = null; }
  $("#logout").hidden = !state.user;
  $("#who").textContent = state.user ? state.user.display_name : "";
  if (!state.user) return show("signin");
  const id = new URLSearchParams(location.search).get("production");
  if (id) return openProduction(Number(id));
  const list = await api("/api/productions/");
  const ul = $("#production-list"); ul.replaceChildren();
  for (const p of list.results) {
    const li = document.createElement("li");
    const a = text("a", `${p.title} (${p.code})`); a.href = `?production=${p.id}`;
    li.append(a, text("span", ` — ${p.stats.completed_scene_count}/${p.stats.scene_count} scenes done, ${p.my_role}`));
    ul.append(li);
  }
  show("productions");
}

$("#signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const data = Object.fromEntries(new FormData(e.target));
  try { await api("/api/auth/login/", { method: "POST", body: JSON.stringify(data) }); $("#signin-error").textContent = ""; start(); }
  catch (err) { $("#signin-error").textContent = err.message; }
});
$("#logout").addEventListener("click", async () => { await api("/api/auth/logout/", { method: "POST" }); location.search = ""; });

async function openProduction(id) {
  try { state.production = await api(`/api/productions/${id}/`); }
  catch (err) { show("productions"); $("#production-list").replaceChildren(text("li", err.status === 404 ? "You are not on this production's crew." : err.message, "error")); return; }
  $("#production-title").textContent = state.production.title;
  show("workspace");
  connect();  // subscribe first, then fetch: nothing slips through in between
  await refetch();
}

async function refetch() {
  const id = state.production.id;
  const [production, scenes, media, jobs] = await Promise.all([
    api(`/api/productions/${id}/`), api(`/api/scenes/?production=${id}&page_size=500`),
    api(`/api/media/?production=${id}&page_size=100`), api(`/api/jobs/?production=${id}&page_size=20`),
  ]);
  renderStats(production.stats);
  state.scenes = new Map(scenes.results.map((s) => [s.id, s]));
  renderScenes();
  renderDailies(media.results);
  $("#jobs").replaceChildren(...jobs.results.map(jobItem));
}

function renderStats(s) {
  const cells = [["Scenes done", `${s.completed_scene_count}/${s.scene_count}`], ["Complete", `${s.completion_percent}%`],
                 ["Shots", s.shot_count], ["Pages", eighths(s.completed_eighths) + " / " + eighths(s.total_eighths)]];
  $("#stats").replaceChildren(...cells.map(([k, v]) => { const d = document.createElement("div"); d.append(text("b", v), text("span", k)); return d; }));
}
function eighths(n) { const pages = Math.floor(n / 8), rest = n % 8; return `${pages ? pages + " " : ""}${rest ? rest + "/8" : pages ? "" : "0"}`.trim(); }

const STATUSES = ["not_started", "in_progress", "completed", "on_hold"];
function renderScenes(flashId) {
  const rows = [...state.scenes.values()].sort((a, b) => a.script_order - b.script_order).map((s) => {
    const tr = document.createElement("tr"); tr.dataset.id = s.id; if (s.id === flashId) tr.className = "flash";
    const select = document.createElement("select");
    select.setAttribute("aria-label", `Status of scene ${s.number}`);
    for (const st of STATUSES) { const o = text("option", st.replace("_", " ")); o.value = st; o.selected = st === s.status; select.append(o); }
    select.addEventListener("change", () => setStatus(s.id, select.value));
    const td = document.createElement("td"); td.append(select);
    tr.append(text("td", s.number), text("td", s.slugline), text("td", eighths(s.page_eighths)), td);
    return tr;
  });
  $("#scenes tbody").replaceChildren(...rows);
}

async function setStatus(id, status) {
  const scene = state.scenes.get(id);
  try { state.scenes.set(id, await api(`/api/scenes/${id}/`, { method: "PATCH", body: JSON.stringify({ status, version: scene.version }) })); }
  catch (err) {
    if (err.status === 409) { alert(`Someone else changed scene ${scene.number} first; showing their version.`); state.scenes.set(id, err.body.extra.current); }
    else alert(err.message);
  }
  renderScenes(id);
}

function renderDailies(assets) {
  $("#dailies").replaceChildren(...assets.map((a) => {
    const fig = document.createElement("figure");
    const poster = a.renditions.find((r) => r.kind === "poster"), proxy = a.renditions.find((r) => r.kind === "proxy");
    if (proxy) { const v = document.createElement("video"); v.controls = true; v.preload = "none"; v.src = proxy.url; if (poster) v.poster = poster.url; fig.append(v); }
    else if (poster) { const img = document.createElement("img"); img.src = poster.url; img.alt = a.original_name; fig.append(img); }
    fig.append(text("figcaption", `${a.original_name} · ${a.status}${a.start_timecode ? " · TC " + a.start_timecode : ""}${a.error ? " · " + a.error : ""}`));
    return fig;
  }));
}

function jobItem(job) {
  const li = document.createElement("li"); li.id = "job-" + job.id;
  const bar = document.createElement("progress"); bar.max = 1; bar.value = job.progress;
  li.append(text("span", `${job.kind} — ${job.status} `), bar, text("span", ` ${job.error || job.message || ""}`));
  return li;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/`);
  state.socket = socket;
  setConnection("reconnecting");
  socket.onopen = () => {
    const after = state.lastId[state.production.id];
    socket.send(JSON.stringify({ type: "subscribe", production: state.production.id, ...(after ? { after } : {}) }));
  };
  socket.onmessage = (m) => handle(JSON.parse(m.data));
  socket.onclose = (e) => {
    setConnection(e.code === 4401 ? "offline" : "reconnecting");
    if (e.code === 4401) return;
    const delay = Math.min(30000, 500 * 2 ** state.retry++);
    setTimeout(connect, delay);
  };
}
function setConnection(s) { const el = $("#connection"); el.textContent = s; el.className = "pill " + s; }

function handle(msg) {
  if (msg.type === "subscribed") { state.retry = 0; setConnection("live"); state.lastId[msg.production] ??= msg.last_id;
    state.socket.send(JSON.stringify({ type: "presence", production: msg.production, where: { page: "workspace" } })); return; }
  if (msg.type === "resync") { refetch(); return; }
  if (msg.type === "error" || msg.type === "pong" || msg.type === "unsubscribed") { if (msg.type === "error") console.warn(msg); return; }
  if (msg.id != null) { if (msg.id <= (state.lastId[msg.production] || 0)) return; state.lastId[msg.production] = msg.id; }
  if (msg.type !== "job.progress" && msg.type !== "presence.changed") {
    const who = msg.actor ? msg.actor.name : "Slate";
    $("#activity").prepend(text("li", `${new Date(msg.at).toLocaleTimeString()} ${who}: ${msg.type} ${msg.entity} ${msg.data?.number ?? msg.data?.original_name ?? msg.entity_id}`));
  }
  switch (msg.type) {
    case "scene.created": case "scene.updated": state.scenes.set(msg.data.id, msg.data); renderScenes(msg.data.id); break;
    case "scene.deleted": state.scenes.delete(msg.data.id); renderScenes(); break;
    case "production.updated": renderStats(msg.data.stats); break;
    case "job.created": case "job.updated": case "job.progress": {
      const item = jobItem({ ...msg.data, kind: msg.data.kind, status: msg.data.status || "running" });
      const old = document.getElementById("job-" + msg.data.id); old ? old.replaceWith(item) : $("#jobs").prepend(item); break;
    }
    case "media_asset.created": case "media_asset.updated": case "media_asset.deleted": refetchDailies(); break;
    case "presence.changed": $("#presence").replaceChildren(...msg.data.members.map((m) => text("li", `${m.user?.name ?? "?"} — ${m.where ? Object.entries(m.where).map(([k, v]) => k + " " + v).join(", ") : "here"}`))); break;
  }
}
async function refetchDailies() { const media = await api(`/api/media/?production=${state.production.id}&page_size=100`); renderDailies(media.results); }

start();
