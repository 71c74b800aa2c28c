/* global document, window, fetch, localStorage, sessionStorage, TextDecoderStream, AbortController, setTimeout, clearTimeout, navigator, Option, URLSearchParams */
// The playground page: two personas side by side, each pane a chat with qinqing exactly as it sends it.
// Streams are read with fetch rather than EventSource, because EventSource cannot send the bearer token a
// non-loopback server asks for.

import { TEXT } from '/playground/page-text.js';

const state = {
  lang: localStorage.getItem('qinqing.playground.lang') || (navigator.language.startsWith('zh') ? 'zh-CN' : 'en'),
  token: sessionStorage.getItem('qinqing.playground.token') || '',
  personas: [],
  panes: [],
};

const $ = (selector, root = document) => root.querySelector(selector);
const t = (key, params = {}) => (TEXT[state.lang][key] ?? key).replace(/\{(\w+)\}/g, (_, name) => params[name] ?? '');
const local = (value) => (state.lang === 'en' ? value.en : value.zh);
const el = (tag, className, text) => {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
};
const authHeaders = () => (state.token ? { authorization: `Bearer ${state.token}` } : {});

async function api(path, body) {
  const init = { method: body === undefined ? 'GET' : 'POST', headers: { ...authHeaders() } };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (response.status === 401) $('#token-form').hidden = false;
  if (response.status === 403) showBanner(data.error || 'HTTP 403');
  return { ok: response.ok, status: response.status, data };
}

function showBanner(text) {
  const banner = $('#banner');
  banner.textContent = text || '';
  banner.hidden = !text;
}

function updateBanner() {
  showBanner(state.panes.some((pane) => pane.lost) ? t('banner.lost') : '');
}

function applyLanguage() {
  document.documentElement.lang = state.lang;
  document.title = t('title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  $('#lang-toggle').textContent = t('other');
  $('#lang-toggle').lang = state.lang === 'en' ? 'zh-CN' : 'en';
  renderPersonas();
  updateBanner();
}

function personaLabel(p) {
  if (p.kind === 'contact') return `${p.name} · ${p.enterprise.name}`;
  if (p.kind === 'official') return `${p.name} · ${local(p.unit.name)}`;
  return p.name;
}

function describe(p) {
  if (!p) return '';
  if (p.kind === 'contact') return t('who.contact', { enterprise: p.enterprise.name });
  if (p.kind === 'official') return `${local(p.unit.name)} · ${p.roles.map((r) => t(`role.${r}`)).join(' / ')}`;
  return t('who.visitor');
}

function renderPersonas() {
  const hash = new URLSearchParams(window.location.hash.slice(1));
  const known = (id) => id && state.personas.some((p) => p.id === id);
  for (const pane of state.panes) {
    pane.select.replaceChildren();
    for (const kind of ['contact', 'official', 'visitor']) {
      const people = state.personas.filter((p) => p.kind === kind);
      if (people.length === 0) continue;
      const group = el('optgroup');
      group.label = t(`group.${kind}`);
      for (const p of people) group.append(new Option(personaLabel(p), p.id));
      pane.select.append(group);
    }
    // A persona picked by hand stays; one picked for the person (the visitor, before the demo) gives way.
    const fallback = state.personas.find((p) => p.kind === (pane.side === 'left' ? 'contact' : 'official')) ?? state.personas.at(-1);
    const chosen = [pane.auto ? '' : pane.persona, hash.get(pane.side), localStorage.getItem(`qinqing.playground.${pane.side}`)].find(known);
    const wanted = chosen ?? (known(fallback?.id) ? fallback.id : undefined);
    if (!wanted) continue;
    pane.select.value = wanted;
    pane.auto = !chosen;
    if (wanted !== pane.persona) choose(pane, wanted);
    pane.who.textContent = describe(state.personas.find((p) => p.id === wanted));
  }
}

async function loadPersonas() {
  try {
    const { ok, data } = await api('/playground/personas');
    if (!ok) return;
    state.personas = data.personas;
    $('#empty').hidden = state.personas.some((p) => p.kind !== 'visitor');
    renderPersonas();
  } catch {
    showBanner(t('banner.lost'));
    setTimeout(loadPersonas, 3000);
  }
}

function choose(pane, persona) {
  pane.persona = persona;
  if (!pane.auto) localStorage.setItem(`qinqing.playground.${pane.side}`, persona);
  pane.log.replaceChildren();
  pane.lastSeq = 0;
  showError(pane, '');
  connect(pane);
}

function showError(pane, text) {
  pane.error.textContent = text;
  pane.error.hidden = !text;
}

/** Opens the persona's stream; when it drops, shows the banner and tries again, a little slower each time. */
function connect(pane) {
  pane.controller?.abort();
  const controller = new AbortController();
  pane.controller = controller;
  let watchdog;
  // Heartbeats come every 15 s: silence for 45 s means the link is dead even if no error says so.
  const kick = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => controller.abort(), 45_000);
  };
  const run = async () => {
    const response = await fetch(`/playground/stream/${encodeURIComponent(pane.persona)}`, { headers: authHeaders(), signal: controller.signal });
    if (response.status === 401) $('#token-form').hidden = false;
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    pane.lost = false;
    pane.retry = 0;
    updateBanner();
    kick();
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      kick();
      buffer += value;
      for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
        handleEvent(pane, buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
      }
    }
  };
  run()
    .catch(() => undefined)
    .finally(() => {
      clearTimeout(watchdog);
      if (pane.controller !== controller) return; // another persona was chosen meanwhile
      pane.lost = true;
      updateBanner();
      pane.retry = Math.min((pane.retry || 500) * 2, 5000);
      setTimeout(() => pane.controller === controller && connect(pane), pane.retry);
    });
}

function handleEvent(pane, block) {
  let event = 'message';
  const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  if (data.length === 0) return; // a heartbeat
  const payload = JSON.parse(data.join('\n'));
  if (event === 'history') {
    pane.log.replaceChildren();
    pane.lastSeq = 0;
    for (const entry of payload.entries) addEntry(pane, entry);
  } else if (event === 'message') {
    addEntry(pane, payload);
  }
}

function addEntry(pane, entry) {
  if (entry.seq <= pane.lastSeq) return;
  pane.lastSeq = entry.seq;
  const item = el('li', `msg from-${entry.from}${entry.action ? ' tap' : ''}`);
  item.dataset.seq = String(entry.seq);
  if (entry.text) item.append(el('div', 'text', entry.text));
  if (entry.image && entry.image.src.startsWith('data:image/png;base64,')) {
    const figure = el('figure');
    const img = el('img');
    img.src = entry.image.src;
    img.alt = entry.image.caption || '';
    figure.append(img);
    if (entry.image.caption) figure.append(el('figcaption', '', entry.image.caption));
    item.append(figure);
  }
  if (entry.buttons) {
    // Numbered as WeChat lists them: typing the number works as well as tapping.
    const box = el('div', 'buttons');
    let n = 0;
    for (const row of entry.buttons) {
      const line = el('div', 'row');
      for (const button of row) {
        const node = el('button');
        node.type = 'button';
        node.dataset.action = button.action;
        node.append(el('span', 'num', `${(n += 1)}.`), ` ${button.label}`);
        node.addEventListener('click', () => send(pane, { action: button.action, label: button.label }));
        line.append(node);
      }
      box.append(line);
    }
    item.append(box);
  }
  const time = el('time', '', new Date(entry.at).toLocaleTimeString(state.lang, { hour: '2-digit', minute: '2-digit' }));
  time.dateTime = entry.at;
  item.append(time);
  pane.log.append(item);
  pane.log.scrollTop = pane.log.scrollHeight;
}

async function send(pane, payload) {
  showError(pane, '');
  try {
    const { ok, status, data } = await api('/playground/send', { persona: pane.persona, lang: state.lang, ...payload });
    if (!ok) showError(pane, t('error.refused', { reason: data.error || `HTTP ${status}` }));
    return ok;
  } catch {
    showError(pane, t('error.network'));
    return false;
  }
}

function setUpPane(section) {
  section.append($('#pane-template').content.cloneNode(true));
  const pane = { side: section.dataset.side, section, select: $('.persona', section), who: $('.who', section), log: $('.log', section), error: $('.error', section), persona: '', lastSeq: 0 };
  pane.select.addEventListener('change', () => {
    pane.auto = false;
    choose(pane, pane.select.value);
    pane.who.textContent = describe(state.personas.find((p) => p.id === pane.persona));
  });
  const form = $('.compose', section);
  const input = $('.text', section);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim() || !pane.persona) return;
    input.disabled = true;
    if (await send(pane, { text })) input.value = '';
    input.disabled = false;
    input.focus();
  });
  return pane;
}

function start() {
  state.panes = [...document.querySelectorAll('.pane')].map(setUpPane);
  $('#lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'en' ? 'zh-CN' : 'en';
    localStorage.setItem('qinqing.playground.lang', state.lang);
    applyLanguage();
  });
  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    state.token = $('#token-input').value.trim();
    sessionStorage.setItem('qinqing.playground.token', state.token);
    $('#token-form').hidden = true;
    void loadPersonas();
    for (const pane of state.panes) if (pane.persona) connect(pane);
  });
  $('#load-demo').addEventListener('click', async (event) => {
    const button = event.currentTarget;
    const error = $('#empty-error');
    button.disabled = true;
    button.textContent = t('empty.loading');
    error.hidden = true;
    try {
      const { ok, status, data } = await api('/playground/demo', {});
      if (!ok) throw new Error(data.error || `HTTP ${status}`);
      await loadPersonas();
    } catch (failure) {
      error.textContent = t('error.load', { reason: failure.message });
      error.hidden = false;
    } finally {
      button.disabled = false;
      button.textContent = t('empty.button');
    }
  });
  // A resized window (a phone turned, panes stacking) keeps each conversation's latest message in view.
  window.addEventListener('resize', () => {
    for (const pane of state.panes) pane.log.scrollTop = pane.log.scrollHeight;
  });
  applyLanguage();
  void loadPersonas();
}

start();
