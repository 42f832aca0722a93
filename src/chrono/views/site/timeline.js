"use strict";
/* chrono: dates as people read them, and a canvas timeline with zoom, pan and culling.
   Day numbers are days since 1970-01-01 (any year: no JavaScript Date is involved). */
const Chrono = {};
(function (C) {
  const MONTHS = ["January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"];
  const fl = Math.floor;

  function daysFromCivil(year, month, day) {
    const y = year - (month <= 2 ? 1 : 0);
    const era = fl(y / 400);
    const yoe = y - era * 400;
    const mp = (month + 9) % 12;
    const doy = fl((153 * mp + 2) / 5) + day - 1;
    const doe = yoe * 365 + fl(yoe / 4) - fl(yoe / 100) + doy;
    return era * 146097 + doe - 719468;
  }
  function civilFromDays(days) {
    const z = days + 719468;
    const era = fl(z / 146097);
    const doe = z - era * 146097;
    const yoe = fl((doe - fl(doe / 1460) + fl(doe / 36524) - fl(doe / 146096)) / 365);
    const doy = doe - (365 * yoe + fl(yoe / 4) - fl(yoe / 100));
    const mp = fl((5 * doy + 2) / 153);
    const d = doy - fl((153 * mp + 2) / 5) + 1;
    const m = mp < 10 ? mp + 3 : mp - 9;
    return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
  }
  function humanYear(y) { return y <= 0 ? (1 - y) + " BCE" : String(y); }
  function humanDay(days) {
    const [y, m, d] = civilFromDays(fl(days));
    return d + " " + MONTHS[m - 1] + " " + humanYear(y);
  }
  function niceYears(years) {
    if (years <= 1) return 1;
    const p = Math.pow(10, fl(Math.log10(years)));
    for (const m of [1, 2, 5, 10]) if (m * p >= years) return m * p;
    return 10 * p;
  }
  /* Ticks on whole years (as people count them: no year 0), months or days. */
  function tickDays(vmin, vmax, target) {
    const span = vmax - vmin;
    if (!(span > 0)) return { unit: "day", days: [] };
    const y0 = civilFromDays(fl(vmin))[0], y1 = civilFromDays(Math.ceil(vmax))[0];
    const out = [];
    if (span / 365.2425 >= 3) {
      const step = niceYears(span / 365.2425 / target);
      const firstBce = Math.ceil((1 - Math.min(y1, 0)) / step) * step;
      const lastBce = fl((1 - y0) / step) * step;
      for (let n = lastBce; n >= Math.max(firstBce, 1); n -= step) out.push(daysFromCivil(1 - n, 1, 1));
      for (let y = Math.max(step, Math.ceil(y0 / step) * step); y <= y1; y += step) {
        out.push(daysFromCivil(y, 1, 1));
      }
      return { unit: "year", days: out.filter((t) => t >= vmin && t <= vmax) };
    }
    if (span >= 90) {
      const months = span / 30.44;
      const step = [1, 2, 3, 6].find((s) => months / s <= target) || 12;
      for (let y = y0; y <= y1; y++) {
        for (let m = 1; m <= 12; m += step) out.push(daysFromCivil(y, m, 1));
      }
      return { unit: "month", days: out.filter((t) => t >= vmin && t <= vmax) };
    }
    const step = [1, 2, 7, 14].find((s) => span / s <= target) || 28;
    for (let t = Math.ceil(vmin / step) * step; t <= vmax; t += step) out.push(t);
    return { unit: "day", days: out };
  }
  function tickLabels(unit, days) {
    const parts = days.map(civilFromDays);
    if (unit === "year") {
      const bce = parts.some((p) => p[0] <= 0);
      return parts.map((p) => humanYear(p[0]) + (bce && p[0] > 0 ? " CE" : ""));
    }
    if (unit === "month") return parts.map((p) => MONTHS[p[1] - 1].slice(0, 3) + " " + humanYear(p[0]));
    return parts.map((p) => p[2] + " " + MONTHS[p[1] - 1].slice(0, 3));
  }
  /* A period end as typed: "44 BCE", "10 CE", "2019", "-0043", "2019-03", "2019-03-05". */
  function parseDay(text, end) {
    const t = text.trim();
    let m = /^(\d+)\s*(BCE|BC|CE|AD)?$/i.exec(t);
    if (m) {
      const y = m[2] && /^B/i.test(m[2]) ? 1 - Number(m[1]) : Number(m[1]);
      return end ? daysFromCivil(y + 1, 1, 1) - 1 : daysFromCivil(y, 1, 1);
    }
    m = /^(-?\d{4,})(?:-(\d\d)(?:-(\d\d))?)?$/.exec(t);
    if (!m) return null;
    const y = Number(m[1]), mo = m[2] ? Number(m[2]) : null, d = m[3] ? Number(m[3]) : null;
    if (mo !== null && (mo < 1 || mo > 12)) return null;
    if (mo === null) return end ? daysFromCivil(y + 1, 1, 1) - 1 : daysFromCivil(y, 1, 1);
    if (d === null) {
      return end ? daysFromCivil(mo === 12 ? y + 1 : y, mo === 12 ? 1 : mo + 1, 1) - 1
        : daysFromCivil(y, mo, 1);
    }
    const day = daysFromCivil(y, mo, d);
    return civilFromDays(day)[2] === d ? day : null;
  }
  C.dates = { daysFromCivil, civilFromDays, humanYear, humanDay, tickDays, tickLabels, parseDay };

  const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22"];
  const ROW = 18, AXIS = 24, GUTTER = 150, MIN_PX = 7;
  C.COLOURS = COLOURS;

  /* items: {ev (event index), lane, x0, x1 (day after the last), start, end (open ends:
     "open" / "unknown"), kind ("point" | "span" | "imprecise"), uncertain, approximate,
     label}; lanes: names in order. */
  class Timeline {
    constructor(canvas, onSelect) {
      this.canvas = canvas;
      this.ctx = canvas.getContext("2d");
      this.onSelect = onSelect;
      this.items = []; this.rows = []; this.lanes = []; this.selected = -1;
      this.view = [0, 365]; this.extent = [0, 365]; this.scrollY = 0; this.totalRows = 0;
      this.drag = null; this.pending = false;
      canvas.addEventListener("wheel", (e) => this.wheel(e), { passive: false });
      canvas.addEventListener("pointerdown", (e) => this.down(e));
      canvas.addEventListener("pointermove", (e) => this.move(e));
      canvas.addEventListener("pointerup", (e) => this.up(e));
      canvas.addEventListener("keydown", (e) => this.key(e));
      new ResizeObserver(() => this.redraw()).observe(canvas);
    }
    plotWidth() { return Math.max(this.canvas.clientWidth - GUTTER - 10, 10); }
    toPx(day) { return GUTTER + (day - this.view[0]) / (this.view[1] - this.view[0]) * this.plotWidth(); }
    toDay(px) { return this.view[0] + (px - GUTTER) / this.plotWidth() * (this.view[1] - this.view[0]); }
    setItems(items, lanes) {
      this.items = items; this.lanes = [];
      let lo = Infinity, hi = -Infinity;  // a loop: spreading 100,000 values would overflow
      for (const it of items) {
        if (!it.start) lo = Math.min(lo, it.x0);
        if (!it.end) hi = Math.max(hi, it.x1);
      }
      if (lo === Infinity) lo = hi === -Infinity ? 0 : hi - 365;
      if (hi === -Infinity) hi = lo + 365;
      const pad = Math.max((hi - lo) * 0.03, 15);
      this.extent = [lo - pad, hi + pad];
      const perPx = (this.extent[1] - this.extent[0]) / this.plotWidth();
      // pack each lane's items into rows at the fitted zoom: nothing overlaps
      const byLane = new Map(lanes.map((n) => [n, []]));
      items.forEach((it, k) => byLane.get(it.lane).push(k));
      this.rows = [];
      lanes.forEach((name, li) => {
        const mine = byLane.get(name);
        mine.sort((a, b) => items[a].x0 - items[b].x0 || items[a].x1 - items[b].x1);
        const ends = [], first = this.rows.length;
        for (const k of mine) {
          const it = items[k];
          const left = it.start ? -Infinity : it.x0;
          const right = it.end ? Infinity : Math.max(it.x1, it.x0 + MIN_PX * perPx) + 4 * perPx;
          let r = ends.findIndex((e) => e <= left);
          if (r < 0) { r = ends.length; ends.push(right); this.rows.push([]); } else ends[r] = right;
          it.row = first + r; it.colour = COLOURS[li % COLOURS.length];
          this.rows[first + r].push(k);
        }
        if (!ends.length) this.rows.push([]);
        this.lanes.push({ name, first, count: Math.max(ends.length, 1) });
      });
      this.totalRows = this.rows.length;
      this.scrollY = 0;
      this.fit();
    }
    fit() { this.view = this.extent.slice(); this.redraw(); }
    zoom(factor, atPx) {
      const at = this.toDay(atPx === undefined ? GUTTER + this.plotWidth() / 2 : atPx);
      let span = (this.view[1] - this.view[0]) * factor;
      span = Math.min(Math.max(span, 2), 4.3e9);
      const frac = (at - this.view[0]) / (this.view[1] - this.view[0]);
      this.view = [at - frac * span, at - frac * span + span];
      this.redraw();
    }
    pan(dxPx, dyPx) {
      const perPx = (this.view[1] - this.view[0]) / this.plotWidth();
      this.view = [this.view[0] - dxPx * perPx, this.view[1] - dxPx * perPx];
      const maxY = Math.max(0, this.totalRows * ROW + AXIS - this.canvas.clientHeight + ROW);
      this.scrollY = Math.min(Math.max(this.scrollY - dyPx, 0), maxY);
      this.redraw();
    }
    select(ev) {
      this.selected = ev;
      const it = this.items.find((x) => x.ev === ev);
      if (it) {
        const y = AXIS + it.row * ROW - this.scrollY, h = this.canvas.clientHeight;
        if (y < AXIS || y > h - ROW) this.scrollY = Math.max(0, it.row * ROW - (h - AXIS) / 2);
        const a = it.start ? it.x1 : it.x0, b = it.end ? it.x0 : it.x1;
        if (b < this.view[0] || a > this.view[1]) {
          const span = this.view[1] - this.view[0], mid = (a + b) / 2;
          this.view = [mid - span / 2, mid + span / 2];
        }
      }
      this.redraw();
    }
    redraw() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.draw(); });
    }
    hit(px, py) {
      const r = fl((py - AXIS + this.scrollY) / ROW);
      if (py < AXIS || r < 0 || r >= this.rows.length) return -1;
      for (const k of this.rows[r]) {
        const it = this.items[k];
        const a = it.start ? GUTTER : this.toPx(it.x0) - 4;
        const b = it.end ? GUTTER + this.plotWidth() : Math.max(this.toPx(it.x1), this.toPx(it.x0) + MIN_PX) + 4;
        if (px >= a && px <= b) return it.ev;
      }
      return -1;
    }
    wheel(e) {
      e.preventDefault();
      if (e.shiftKey) { this.pan(0, -e.deltaY); return; }
      if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) { this.pan(-e.deltaX, 0); return; }
      const rect = this.canvas.getBoundingClientRect();
      this.zoom(Math.exp(e.deltaY * 0.0015), e.clientX - rect.left);
    }
    down(e) {
      this.canvas.setPointerCapture(e.pointerId);
      this.drag = { x: e.clientX, y: e.clientY, moved: 0 };
    }
    move(e) {
      if (!this.drag) return;
      const dx = e.clientX - this.drag.x, dy = e.clientY - this.drag.y;
      this.drag.moved += Math.abs(dx) + Math.abs(dy);
      this.drag.x = e.clientX; this.drag.y = e.clientY;
      this.pan(dx, dy);
    }
    up(e) {
      const drag = this.drag;
      this.drag = null;
      if (drag && drag.moved < 4) {
        const rect = this.canvas.getBoundingClientRect();
        const ev = this.hit(e.clientX - rect.left, e.clientY - rect.top);
        if (ev >= 0) this.onSelect(ev);
      }
    }
    key(e) {
      const actions = { "+": () => this.zoom(0.5), "=": () => this.zoom(0.5), "-": () => this.zoom(2),
        "0": () => this.fit(), ArrowLeft: () => this.pan(80, 0), ArrowRight: () => this.pan(-80, 0),
        ArrowUp: () => this.pan(0, 3 * ROW), ArrowDown: () => this.pan(0, -3 * ROW) };
      if (actions[e.key]) { e.preventDefault(); actions[e.key](); }
    }
    draw() {
      const started = performance.now();
      const c = this.canvas, dpr = window.devicePixelRatio || 1;
      const w = c.clientWidth, h = c.clientHeight;
      if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
        c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
      }
      const g = this.ctx;
      g.setTransform(dpr, 0, 0, dpr, 0, 0);
      g.clearRect(0, 0, w, h);
      g.font = "11px system-ui, sans-serif"; g.textBaseline = "middle";
      const ticks = tickDays(this.view[0], this.view[1], Math.max(2, fl(this.plotWidth() / 110)));
      const labels = tickLabels(ticks.unit, ticks.days);
      g.strokeStyle = "#eceef1"; g.fillStyle = "#5f6368"; g.lineWidth = 1;
      ticks.days.forEach((d, k) => {
        const x = Math.round(this.toPx(d)) + 0.5;
        g.beginPath(); g.moveTo(x, AXIS - 4); g.lineTo(x, h); g.stroke();
        g.fillText(labels[k], x + 3, AXIS / 2);
      });
      const r0 = Math.max(0, fl(this.scrollY / ROW)), r1 = Math.min(this.rows.length, Math.ceil((this.scrollY + h - AXIS) / ROW) + 1);
      const left = this.view[0], right = this.view[1];
      let drawn = 0;
      g.save(); g.beginPath(); g.rect(GUTTER, AXIS, w - GUTTER, h - AXIS); g.clip();
      for (let r = r0; r < r1; r++) {
        const row = this.rows[r], y = AXIS + r * ROW - this.scrollY + ROW / 2;
        // items of a row do not overlap: skip to the first that reaches the view
        let lo = 0, hi = row.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1, it = this.items[row[mid]];
          if ((it.end ? Infinity : it.x1) < left) lo = mid + 1; else hi = mid;
        }
        for (let k = lo; k < row.length; k++) {
          const it = this.items[row[k]];
          if (!it.start && it.x0 > right) break;
          this.drawItem(g, it, y, k + 1 < row.length ? this.items[row[k + 1]] : null, w);
          drawn++;
        }
      }
      g.restore();
      g.fillStyle = "#ffffff"; g.fillRect(0, AXIS, GUTTER - 2, h);
      g.fillStyle = "#1d1d1f"; g.strokeStyle = "#d9dce1";
      for (const lane of this.lanes) {
        const y = AXIS + lane.first * ROW - this.scrollY;
        if (y + lane.count * ROW < AXIS || y > h) continue;
        g.beginPath(); g.moveTo(0, Math.round(y) + 0.5); g.lineTo(w, Math.round(y) + 0.5); g.stroke();
        const name = lane.name.replace(/_/g, " ");
        g.fillText(name.length > 22 ? name.slice(0, 21) + "…" : name, 8, Math.max(y + ROW / 2, AXIS + ROW / 2));
      }
      c.dataset.view = this.view[0].toFixed(1) + "," + this.view[1].toFixed(1);
      c.dataset.drawn = String(drawn);  // in view (rows and days culled)
      c.dataset.items = String(this.items.length);
      c.dataset.drawMs = (performance.now() - started).toFixed(1);
      if (this.onDraw) this.onDraw(this.view);
    }
    drawItem(g, it, y, next, w) {
      const sel = it.ev === this.selected;
      let a = this.toPx(it.x0), b = Math.max(this.toPx(it.x1), a + 2);
      g.strokeStyle = it.colour; g.fillStyle = it.colour; g.lineWidth = sel ? 2.5 : 1;
      g.setLineDash(it.uncertain ? [4, 3] : it.approximate ? [1.5, 2] : []);
      for (const [kind, from, to] of [[it.start, a, GUTTER], [it.end, b, w]]) {
        if (!kind) continue;
        g.save(); g.setLineDash(kind === "open" ? [] : [2, 3]);
        g.beginPath(); g.moveTo(from, y); g.lineTo(to, y); g.stroke();
        const dir = to > from ? -1 : 1;
        g.setLineDash([]); g.beginPath();
        g.moveTo(to + dir * 7, y - 4); g.lineTo(to, y); g.lineTo(to + dir * 7, y + 4); g.stroke();
        g.restore();
      }
      if (it.kind === "point" && !it.start && !it.end) {
        g.beginPath(); g.arc((a + b) / 2, y, 4, 0, 2 * Math.PI);
        if (it.uncertain || it.approximate) { g.fillStyle = "#ffffff"; g.fill(); g.stroke(); } else g.fill();
        if (sel) { g.strokeStyle = "#000"; g.stroke(); }
      } else {
        g.globalAlpha = it.kind === "imprecise" ? 0.25 : 1;
        g.fillRect(a, y - 5, b - a, 10);
        g.globalAlpha = 1;
        g.strokeRect(a, y - 5, b - a, 10);
        if (sel) { g.strokeStyle = "#000"; g.strokeRect(a - 1, y - 6, b - a + 2, 12); }
      }
      g.setLineDash([]);
      const room = (next && !it.end ? this.toPx(next.x0) : w) - b - 8;
      if (room > 30) {
        g.fillStyle = "#1d1d1f";
        let text = it.label;
        if (g.measureText(text).width > room) {
          const n = Math.max(1, fl(text.length * room / g.measureText(text).width) - 1);
          text = text.slice(0, n) + "…";
        }
        g.fillText(text, b + 4, y);
      }
    }
  }
  C.Timeline = Timeline;
})(Chrono);
