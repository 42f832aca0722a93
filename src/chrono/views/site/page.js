/* chrono: the page. Every text from the data goes in with textContent, never as HTML. */
(function (C) {
  const t0 = performance.now();
  const D = JSON.parse(document.getElementById("chrono-data").textContent);
  const $ = (id) => document.getElementById(id);
  const UNCERTAIN = 1, APPROXIMATE = 2, OPEN_START = 4, UNKNOWN_START = 8, OPEN_END = 16, UNKNOWN_END = 32;
  const ROW_H = 28;

  function el(tag, text, cls) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function httpUrl(url) {
    if (typeof url !== "string") return null;
    try {
      const u = new URL(url);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (err) { return null; }
  }

  const events = D.events.map((r, i) => {
    const flags = r[10];
    const start = flags & OPEN_START ? "open" : flags & UNKNOWN_START ? "unknown" : null;
    const end = flags & OPEN_END ? "open" : flags & UNKNOWN_END ? "unknown" : null;
    return { i, id: r[0], title: r[1], summary: r[2], type: D.types[r[3]], status: r[4], edtf: r[5],
      when: r[6], lo: r[7], hi: r[8], precision: r[9], uncertain: !!(flags & UNCERTAIN),
      approximate: !!(flags & APPROXIMATE), start, end, place: r[11], parent: r[12],
      parts: r[13], claims: r[14], drawn: r[15], key: String(r[1]).toLowerCase(),
      sort: r[7] !== null ? r[7] : r[8] !== null ? r[8] : 0 };
  });
  const byId = new Map(events.map((e) => [e.id, e.i]));
  const state = { shown: [], selected: -1, lane: "type" };

  function fillSelect(select, options) {
    for (const [value, label] of options) {
      const o = el("option", label); o.value = value; select.appendChild(o);
    }
  }
  const used = (pick) => new Set(events.flatMap(pick));
  const byName = (a, b) => a[1].localeCompare(b[1]);
  fillSelect($("type"), D.types.map((t) => [t, t.replace(/_/g, " ")]));
  const actorsUsed = used((e) => e.parts.map((p) => p[0]));
  fillSelect($("actor"), D.actors.map((a, k) => [String(k), a[1]]).filter((o) => actorsUsed.has(Number(o[0]))).sort(byName));
  const placesUsed = used((e) => [e.place]);
  fillSelect($("place"), D.places.map((p, k) => [String(k), p[1]]).filter((o) => placesUsed.has(Number(o[0]))).sort(byName));

  $("title").textContent = D.meta.title;
  $("subtitle").textContent = [D.meta.name, D.meta.version, D.meta.license].filter(Boolean).join(" · ");
  $("footer").textContent = "Made by " + D.meta.generator + ". Dates are shown as people read them "
    + "(44 BCE); each event also gives its EDTF value. Nothing on this page uses the network.";
  document.title = D.meta.title;

  function period() {
    const out = [-Infinity, Infinity];
    for (const [id, k, end] of [["from", 0, false], ["to", 1, true]]) {
      const input = $(id), text = input.value.trim();
      const day = text ? C.dates.parseDay(text, end) : null;
      input.setAttribute("aria-invalid", text && day === null ? "true" : "false");
      if (day !== null) out[k] = day;
    }
    return out;
  }

  function filtered() {
    const q = $("search").value.trim().toLowerCase();
    const type = $("type").value, actor = $("actor").value, place = $("place").value;
    const [lo, hi] = period();
    const a = actor === "" ? -1 : Number(actor), p = place === "" ? -1 : Number(place);
    return events.filter((e) => (!q || e.key.includes(q)) && (!type || e.type === type)
      && (a < 0 || e.parts.some((x) => x[0] === a)) && (p < 0 || e.place === p)
      && (e.lo === null || e.lo <= hi) && (e.hi === null || e.hi >= lo));
  }

  function items(shown) {
    const out = [], lanes = new Set(), lane = $("lane").value;
    for (const e of shown) {
      if (e.start && e.end) continue;  // no known end: nothing to draw
      const x0 = e.drawn[0], x1 = e.drawn[1] + 1;
      const kind = e.precision !== "day" ? "imprecise" : x1 - x0 === 1 ? "point" : "span";
      const label = (e.approximate ? "c. " : "") + e.title + (e.uncertain ? " (?)" : "");
      let names;
      if (lane === "actor") names = [...new Set(e.parts.map((p) => D.actors[p[0]] ? D.actors[p[0]][1] : "?"))].sort();
      else if (lane === "place") names = [e.place >= 0 ? D.places[e.place][1] : "(none)"];
      else names = [e.type];
      if (!names.length) names = ["(none)"];
      for (const name of names) {
        lanes.add(name);
        out.push({ ev: e.i, lane: name, x0, x1, start: e.start, end: e.end, kind,
          uncertain: e.uncertain, approximate: e.approximate, label });
      }
    }
    const first = new Map();
    for (const it of out) first.set(it.lane, Math.min(first.has(it.lane) ? first.get(it.lane) : Infinity, it.x0));
    const order = [...lanes].sort((a, b) => (a === "(none)") - (b === "(none)") || first.get(a) - first.get(b) || a.localeCompare(b));
    return [out, order];
  }

  const timeline = new C.Timeline($("canvas"), (i) => select(i, true));
  timeline.onDraw = (view) => {
    $("range").textContent = C.dates.humanDay(view[0]) + " – " + C.dates.humanDay(view[1]);
  };

  function update() {
    const started = performance.now();
    state.shown = filtered().sort((a, b) => a.sort - b.sort || a.title.localeCompare(b.title));
    $("count").textContent = state.shown.length + " of " + events.length + " events";
    $("list").dataset.count = String(state.shown.length);
    const [its, lanes] = items(state.shown);
    timeline.setItems(its, lanes);
    $("rows").style.height = state.shown.length * ROW_H + "px";
    $("list").scrollTop = 0;
    renderRows();
    document.body.dataset.updateMs = (performance.now() - started).toFixed(1);
  }

  function renderRows() {
    const list = $("list"), rows = $("rows");
    const first = Math.max(0, Math.floor(list.scrollTop / ROW_H) - 10);
    const last = Math.min(state.shown.length, Math.ceil((list.scrollTop + list.clientHeight) / ROW_H) + 10);
    const frag = document.createDocumentFragment();
    for (let k = first; k < last; k++) {
      const e = state.shown[k];
      const row = el("div", null, "event-row");
      row.setAttribute("role", "option");
      row.tabIndex = -1;
      row.dataset.i = String(e.i); row.dataset.id = e.id; row.dataset.k = String(k);
      row.setAttribute("aria-selected", e.i === state.selected ? "true" : "false");
      row.style.top = k * ROW_H + "px";
      row.appendChild(el("span", e.when, "when"));
      row.appendChild(document.createTextNode(" " + e.title));
      frag.appendChild(row);
    }
    rows.replaceChildren(frag);
  }

  function badge(text, cls) { return el("span", text, "badge " + (cls || "")); }

  function claimItem(c) {
    const [property, value, src, locator, quote, stance, mode, certainty, note, calendar] = c;
    const li = el("li", null, "claim");
    const head = el("div");
    head.appendChild(el("strong", property));
    if (value !== null) head.appendChild(document.createTextNode(" = " + value));
    head.appendChild(badge(stance, stance));
    head.appendChild(badge(mode));
    if (certainty !== "certain") head.appendChild(badge(certainty));
    if (calendar === "julian") head.appendChild(badge("Julian calendar"));
    li.appendChild(head);
    const s = D.sources[src] || [String(src), "", null, null, null, null];
    const line = el("div", null, "source");
    const label = s[2] || s[3] || s[0];
    const url = httpUrl(s[5]);
    if (url) {
      const a = el("a", label);
      a.href = url; a.rel = "noopener noreferrer"; a.target = "_blank";
      line.appendChild(a);
    } else line.appendChild(el("span", label));
    const bits = [s[3] && s[2] ? s[3] : null, s[4], locator ? "at " + locator : null, s[1] ? s[1].replace(/_/g, " ") : null];
    line.appendChild(document.createTextNode(" — " + bits.filter(Boolean).join(", ")));
    li.appendChild(line);
    if (quote !== null) li.appendChild(el("blockquote", "“" + quote + "”"));
    if (note !== null) li.appendChild(el("p", "Note: " + note, "source"));
    return li;
  }

  function show(e) {
    const box = $("event");
    const parts = [el("h2", e.title), el("p", e.when + " (EDTF " + e.edtf + ")", "when")];
    const dl = el("dl");
    const add = (k, v) => { if (v === null || v === undefined || v === "") return; dl.appendChild(el("dt", k)); const dd = el("dd"); if (v instanceof Node) dd.appendChild(v); else dd.textContent = v; dl.appendChild(dd); };
    add("type", e.type.replace(/_/g, " "));
    add("status", e.status);
    add("precision", e.precision + (e.uncertain ? ", uncertain" : "") + (e.approximate ? ", approximate" : ""));
    if (e.place >= 0) add("place", D.places[e.place][1] + (D.places[e.place][2] ? " (" + D.places[e.place][2] + ")" : ""));
    if (e.parent >= 0) {
      const b = el("button", events[e.parent].title, "linklike");
      b.type = "button"; b.addEventListener("click", () => select(e.parent, true));
      add("part of", b);
    }
    if (e.parts.length) add("who", e.parts.map((p) => (D.actors[p[0]] ? D.actors[p[0]][1] : "?") + " (" + p[1] + ")").join("; "));
    add("id", e.id);
    parts.push(dl, el("p", e.summary));
    parts.push(el("h3", "Claims (" + e.claims.length + ")"));
    const ol = el("ol"); ol.id = "claims";
    for (const c of e.claims) ol.appendChild(claimItem(c));
    parts.push(ol);
    box.replaceChildren(...parts);
    box.scrollTop = 0;
  }

  function select(i, reveal) {
    state.selected = i;
    show(events[i]);
    timeline.select(i);
    const k = state.shown.findIndex((e) => e.i === i);
    if (reveal && k >= 0) {
      const list = $("list");
      if (k * ROW_H < list.scrollTop || (k + 1) * ROW_H > list.scrollTop + list.clientHeight) {
        list.scrollTop = Math.max(0, k * ROW_H - list.clientHeight / 2);
      }
    }
    renderRows();
    try {
      history.replaceState(null, "", "#" + encodeURIComponent(events[i].id));
    } catch (err) { /* a page opened where history cannot change: nothing to keep */ }
  }

  let timer = null;
  const later = () => { clearTimeout(timer); timer = setTimeout(update, 120); };
  $("search").addEventListener("input", later);
  for (const id of ["from", "to"]) $(id).addEventListener("input", later);
  for (const id of ["type", "actor", "place", "lane"]) $(id).addEventListener("change", update);
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  $("filters").addEventListener("reset", () => setTimeout(update, 0));
  $("list").addEventListener("scroll", renderRows, { passive: true });
  $("rows").addEventListener("click", (e) => {
    const row = e.target.closest(".event-row");
    if (row) select(Number(row.dataset.i), false);
  });
  $("list").addEventListener("keydown", (e) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    e.preventDefault();
    const k = state.shown.findIndex((x) => x.i === state.selected);
    const next = Math.min(Math.max(k + (e.key === "ArrowDown" ? 1 : -1), 0), state.shown.length - 1);
    if (next >= 0) select(state.shown[next].i, true);
  });
  $("zoom-in").addEventListener("click", () => timeline.zoom(0.5));
  $("zoom-out").addEventListener("click", () => timeline.zoom(2));
  $("fit").addEventListener("click", () => timeline.fit());

  update();
  const wanted = decodeURIComponent(location.hash.slice(1));
  if (byId.has(wanted)) select(byId.get(wanted), true);
  requestAnimationFrame(() => {
    document.body.dataset.ready = "1";
    document.body.dataset.renderMs = String(Math.round(performance.now() - t0));
  });
})(Chrono);
