// vmdebug web: draws what /api/step/N says; it computes no fact about the process itself.
// Plain JavaScript, no build step, no library: the page works offline (docs/web.md).
"use strict";

const $ = (id) => document.getElementById(id);
const hex = (v) => (v === null || v === undefined) ? "??????????" : "0x" + (v >>> 0).toString(16).padStart(8, "0");
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]));

const KIND_COLOURS = {
  stack: "#b8d8f8", heap: "#c8ecc0", text: "#f6d0a8", data: "#e8c8f0", rodata: "#f0e0c8", bss: "#d8c8f8",
  mmap: "#c8f0ec", kernel: "#b0b0b0", gap: "#f0f0ea", vdso: "#e0e0a0", vsyscall: "#e0e0a0",
};
const MARK_COLOURS = { call: "#2b6cb0", syscall: "#2f855a", pagefault: "#b7791f", brk: "#805ad5", fatal: "#e53e3e" };
const FRAME_COLOURS = {
  "page directory": "#1a202c", "page table": "#4a5568", stack: "#3182ce", heap: "#38a169", text: "#dd6b20",
  data: "#9f7aea", rodata: "#d69e2e", bss: "#805ad5", mmap: "#319795", none: "#a0aec0", other: "#e53e3e", "zero page": "#999",
};

const view = {
  info: null, step: 0, data: null, sources: {}, srcFile: null, srcWindow: null,
  want: null, busy: false, waiters: [], lastDrawMs: 0, sideTimer: null, moving: false, walk: null,
};

// ---------------------------------------------------------------- requests and errors
async function api(path) {
  let res;
  try {
    res = await fetch(path);
  } catch (e) {
    showError(`the server does not answer (${e.message})`);
    return null;
  }
  let body;
  try {
    body = await res.json();
  } catch (e) {
    showError(`${path}: the reply is not JSON (status ${res.status})`);
    return null;
  }
  if (!res.ok) {
    showError(body && body.error ? body.error : `${path}: status ${res.status}`);
    return null;
  }
  return body;
}

function showError(text) {
  const el = $("error");
  el.textContent = String(text).split("\n")[0];
  el.hidden = false;
}

function clearError() { $("error").hidden = true; }

// ---------------------------------------------------------------- moving through time
// goto(n) resolves once step n (or a later request) is drawn; requests made while one is in
// flight coalesce into the newest, so dragging the slider never queues stale steps: it draws
// the step it got, then asks for where the slider is now.
function goto(n) {
  view.want = Math.trunc(n);     // out of range: the server says so in one line
  const done = new Promise((resolve) => view.waiters.push(resolve));
  if (!view.busy) pump();
  return done;
}

async function pump() {
  view.busy = true;
  while (view.want !== null) {
    const n = view.want;
    view.want = null;
    const t0 = performance.now();
    const d = await api(`/api/step/${n}`);
    if (d) {          // drawn even if the slider moved on meanwhile: dragging shows each step it can
      await drawStep(d);
      view.lastDrawMs = performance.now() - t0;
      clearError();
    }
  }
  view.busy = false;
  const waiters = view.waiters.splice(0);
  waiters.forEach((w) => w(view.step));
}

// One motion at a time, each from the step drawn: a held key steps as fast as the server
// answers instead of sending many motions from the same step.
async function motion(cmd) {
  if (view.moving) return;
  view.moving = true;
  try {
    const d = await api(`/api/motion?from=${view.step}&cmd=${encodeURIComponent(cmd)}`);
    if (!d) return;
    $("said").textContent = d.said.length ? d.said[d.said.length - 1] : "";
    await goto(d.step);
  } finally {
    view.moving = false;
  }
}

// ---------------------------------------------------------------- drawing one step
async function drawStep(d) {
  view.data = d;
  view.step = d.step;
  if (view.want === null) $("slider").value = d.step;    // not under the mouse of a drag still going
  $("step-input").value = d.step;
  document.body.dataset.step = d.step;
  drawRegisters(d.registers);
  await drawSource(d.source);
  drawDisassembly(d.disassembly);
  drawMap(d.memory_map);
  drawStack(d.stack);
  drawHeap(d.heap);
  drawEvents(d.events);
  $("output").textContent = d.output;
  if (d.warnings.length) {
    $("warnings").textContent = "warning: " + d.warnings[0].split("\n")[0];
    $("warnings").hidden = false;
  }
  markHistory();
  // Paging and the physical frames are drawn once the slider rests (they are asked separately).
  clearTimeout(view.sideTimer);
  view.sideTimer = setTimeout(drawSide, 120);
}

function drawRegisters(regs) {
  const body = $("registers").tBodies[0];
  if (body.rows.length !== regs.length) {
    body.innerHTML = regs.map((r) => `<tr data-reg="${r.name}"><td>${r.name}</td><td class="hex"></td><td class="dec"></td></tr>`).join("");
  }
  regs.forEach((r, i) => {
    const row = body.rows[i];
    row.className = r.changed ? "changed" : "";
    row.dataset.value = r.value;
    row.cells[1].textContent = r.hex;
    row.cells[2].textContent = r.label ? r.label : String(r.signed);
  });
}

// The source shows a window of lines around the current one (as `list` does, wider): a libc
// file of a thousand lines would otherwise cost tens of milliseconds of layout on every visit.
const SOURCE_WINDOW = 60;

async function drawSource(src) {
  const box = $("source");
  if (!src) {
    $("source-where").textContent = "(no line information here)";
    box.querySelectorAll(".current").forEach((e) => e.classList.remove("current"));
    box.dataset.line = "";
    return;
  }
  $("source-where").textContent = `${src.function} at ${src.short}:${src.line}`;
  if (!(src.file in view.sources)) {
    const got = await api(`/api/source?file=${encodeURIComponent(src.file)}`);
    view.sources[src.file] = got ? got.lines : [];
  }
  const lines = view.sources[src.file];
  const w = view.srcWindow;
  if (view.srcFile !== src.file || !w || src.line < w[0] + 10 || src.line > w[1] - 10) {
    const first = Math.max(1, src.line - SOURCE_WINDOW), last = Math.min(lines.length, src.line + SOURCE_WINDOW);
    const html = [];
    for (let n = first; n <= last; n++) {
      html.push(`<div class="src-line" data-line="${n}"><span class="num">${n}</span>${esc(lines[n - 1])}</div>`);
    }
    box.innerHTML = html.join("");
    view.srcFile = src.file;
    view.srcWindow = [first, last];
    box.scrollTop = 0;
  }
  box.querySelectorAll(".current").forEach((e) => e.classList.remove("current"));
  box.dataset.line = src.line;
  box.dataset.file = src.short;
  const el = box.children[src.line - view.srcWindow[0]];
  if (el) {
    el.classList.add("current");
    if (el.offsetTop < box.scrollTop || el.offsetTop > box.scrollTop + box.clientHeight - 20) {
      box.scrollTop = el.offsetTop - box.clientHeight / 2;
    }
  }
}

function drawDisassembly(rows) {
  $("disassembly").innerHTML = rows.map((r) =>
    `<div class="insn${r.current ? " current" : ""}">${r.current ? "=&gt; " : "   "}${hex(r.address)} ${esc(r.label)}:  ${esc(r.text)}</div>`).join("");
}

function drawEvents(lines) {
  $("events").innerHTML = lines.map((l) => `<li>${esc(l)}</li>`).join("");
}

// ---------------------------------------------------------------- the memory map
// Top to bottom as the notes draw it; each band's height grows with log2 of its size, so a
// 4 KiB heap and a 3 GiB gap are both visible. Marks are placed linearly inside their band.
function drawMap(m) {
  const svg = $("memory-map");
  const H = 640, X = 92, BW = 190;
  const bands = [];
  if (m.kernel && m.kernel.start === m.top) {
    bands.push({ start: m.kernel.start, end: 2 ** 32, kind: "kernel", label: "kernel half", name: "" });
  }
  let prev = m.top;
  for (const r of m.regions) {
    if (r.end < prev) {
      // as vmmap says: the gap above the heap is where it grows
      const grows = r.kind === "heap" || (prev > m.brk && m.brk > r.end);
      bands.push({ start: r.end, end: prev, kind: "gap", label: grows ? "unmapped (heap grows up)" : "unmapped", name: "" });
    }
    bands.push(r);
    prev = r.start;
  }
  if (prev > 0) bands.push({ start: 0, end: prev, kind: "gap", label: "unmapped (NULL lands here)", name: "" });
  const weight = (b) => (b.kind === "gap" || b.kind === "kernel" ? 0.5 : 1) * (1 + Math.log2(1 + (b.end - b.start) / 4096));
  const total = bands.reduce((s, b) => s + weight(b), 0);
  const minH = 18, avail = H - 10;
  let y = 5;
  const parts = [];
  const placed = [];
  for (const b of bands) {
    const h = Math.max(minH, (weight(b) / total) * avail);
    placed.push({ b, y, h });
    y += h;
  }
  const scale = (H - 10) / (y - 5);
  for (const p of placed) { p.y = 5 + (p.y - 5) * scale; p.h *= scale; }
  const sizeText = (n) => n >= 1 << 30 ? `${(n / 2 ** 30).toFixed(n % 2 ** 30 ? 1 : 0)} GiB` : n >= 1 << 20 ? `${(n / 2 ** 20).toFixed(n % 2 ** 20 ? 1 : 0)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} B`;
  // Inside a band, addresses are placed linearly; in the stack, by log2 of the distance from its
  // top, so esp and ebp (a few hundred bytes down a 132 KiB stack) stand apart.
  const at = (p, addr) => {
    const span = Math.max(1, p.b.end - p.b.start);
    const f = p.b.kind === "stack" ? Math.log2(1 + p.b.end - addr) / Math.log2(1 + span) : 1 - (addr - p.b.start) / span;
    return p.y + p.h * Math.min(1, Math.max(0, f));
  };
  const marks = [];
  for (const p of placed) {
    const b = p.b;
    const fill = KIND_COLOURS[b.kind] || "#ddd";
    parts.push(`<g class="${b.kind === "gap" ? "gap" : "region"}" data-start="${b.start}" data-end="${b.end}" data-kind="${b.kind}" data-name="${esc(b.name || "")}">` +
      `<rect x="${X}" y="${p.y}" width="${BW}" height="${p.h}" fill="${fill}" stroke="#555" stroke-width="${b.kind === "gap" ? 0.5 : 1}"${b.kind === "gap" ? ' stroke-dasharray="4 3"' : ""}/>` +
      `<text class="label" x="${X + BW / 2}" y="${p.y + (b.kind === "stack" ? p.h - 20 : Math.min(p.h / 2 + 4, 15))}" text-anchor="middle">${esc(b.label)}</text>` +
      (p.h >= 30 ? `<text x="${X + BW / 2}" y="${p.y + (b.kind === "stack" ? p.h - 20 : Math.min(p.h / 2 + 4, 15)) + 13}" text-anchor="middle" fill="#444">${sizeText(b.end - b.start)}${b.perms ? " " + b.perms : ""}</text>` : "") +
      `<text x="${X - 4}" y="${p.y + p.h - 2}" text-anchor="end">${hex(b.start)}</text></g>`);
    if (b.kind === "stack") {
      if (m.args_start !== null && m.args_start >= b.start && m.args_start < b.end) {
        const ya = at(p, m.args_start);
        parts.push(`<line x1="${X}" x2="${X + BW}" y1="${ya}" y2="${ya}" stroke="#555" stroke-dasharray="2 2"/>` +
          `<text x="${X + 4}" y="${Math.max(p.y + 10, ya - 2)}" fill="#444">argv/env, auxv</text>`);
      }
      for (const r of ["esp", "ebp"]) if (m.marks[r] >= b.start && m.marks[r] < b.end) marks.push([r, m.marks[r], at(p, m.marks[r])]);
    }
    if (b.kind !== "gap" && m.marks.eip >= b.start && m.marks.eip < b.end) marks.push(["eip", m.marks.eip, at(p, m.marks.eip)]);
  }
  // The break: in the heap, or (no heap yet) at the end of the region it follows; one mark.
  const brkAt = placed.find((p) => p.b.kind === "heap" && m.brk >= p.b.start && m.brk <= p.b.end) ||
                placed.find((p) => p.b.kind !== "gap" && m.brk >= p.b.start && m.brk <= p.b.end);
  if (brkAt) marks.push(["brk", m.brk, at(brkAt, m.brk)]);
  parts.push(`<text x="${X - 4}" y="12" text-anchor="end">${hex(placed.length ? placed[0].b.end - 1 : 0)}</text>`);
  // Marks on the right, pushed apart so their labels never overlap.
  marks.sort((a, b) => a[2] - b[2]);
  let lastY = -100;
  for (const [name, addr, my] of marks) {
    const ly = Math.max(my, lastY + 13);
    lastY = ly;
    parts.push(`<g class="mark" data-mark="${name}" data-value="${addr}"><line x1="${X + BW}" y1="${my}" x2="${X + BW + 18}" y2="${ly}" stroke="#c00"/>` +
      `<text x="${X + BW + 20}" y="${ly + 4}" fill="#900">${name} ${hex(addr)}</text></g>`);
  }
  svg.innerHTML = parts.join("");
}

// ---------------------------------------------------------------- stack frames and heap
function drawStack(frames) {
  $("stack").innerHTML = frames.map((f) =>
    `<div class="frame" data-level="${f.level}"><div class="frame-title">#${f.level} ${esc(f.name)}${f.outermost ? " (outermost)" : ""}</div>` +
    f.slots.map((s) => `<div class="slot role-${s.role || "none"}${s.written ? " written" : ""}" data-address="${s.address}">` +
      `<span>${hex(s.address)}</span><span>${hex(s.value)}</span><span>${esc(s.what)}</span>` +
      `<span class="mark">${s.marks.map((m) => "&larr; " + m).join(" ")}</span></div>`).join("") +
    (f.more ? `<div class="slot"><span></span><span></span><span>... ${f.more} more slots</span><span></span></div>` : "") +
    `</div>`).join("");
}

function drawHeap(h) {
  $("heap-note").textContent = h.note || `heap ${hex(h.start)} - ${hex(h.end)}, program break ${hex(h.brk)}: ` +
    `${h.chunks.filter((c) => c.in_use).length} chunks in use, ${h.chunks.filter((c) => !c.in_use).length} free`;
  const total = h.chunks.reduce((s, c) => s + Math.log2(2 + c.size), 0) || 1;
  $("heap").innerHTML = h.chunks.map((c) =>
    `<div class="chunk ${c.corrupt ? "corrupt" : c.in_use ? "used" : "free"}" style="flex:${(Math.log2(2 + c.size) / total * 100).toFixed(2)}" ` +
    `title="chunk ${hex(c.address)}: header ${hex(c.header)}, size ${c.size}, payload ${hex(c.payload)} (${c.payload_size} usable bytes${c.asked !== undefined ? `, ${c.asked} asked, ${c.padding} padding` : ""})${c.top ? ", the top chunk" : ""}" data-address="${c.address}"${c.asked !== undefined ? ` data-asked="${c.asked}" data-padding="${c.padding}"` : ""}>` +
    `<div class="hdr" title="header ${hex(c.header)}"></div><div class="payload" style="flex:${c.padding !== undefined ? Math.max(c.asked, 1) : 1}">` +
    `${c.corrupt ? "CORRUPT" : (c.in_use ? "in use" : c.top ? "top" : "free")}<br>${c.asked !== undefined ? `${c.asked} of ${c.size} B` : `${c.size} B`}<br>${hex(c.payload)}</div>` +
    (c.padding ? `<div class="padding" style="flex:${c.padding}" title="${c.padding} bytes of padding (asked ${c.asked}, usable ${c.payload_size})"></div>` : "") + `</div>`).join("");
}

// ---------------------------------------------------------------- paging and physical frames
function walkAddress() {
  const text = $("walk-addr").value.trim();
  const regs = view.data ? Object.fromEntries(view.data.registers.map((r) => [r.name, r.value])) : {};
  if (text.startsWith("$")) {
    const name = text.slice(1);
    if (name === "brk" && view.data) return view.data.memory_map.brk;
    if (name in regs) return regs[name];
    showError(`unknown register ${text}`);
    return null;
  }
  return text;
}

function drawGrid(canvas, grid, selected) {
  const ctx = canvas.getContext("2d");
  const cell = 8;
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (!grid) return;
  const colours = { ".": "#eeeeee", w: "#48bb78", r: "#4299e1", K: "#718096", L: "#b794f4" };
  for (let i = 0; i < grid.length; i++) {
    ctx.fillStyle = colours[grid[i]] || "#000";
    ctx.fillRect(1 + (i % 32) * cell, 1 + Math.floor(i / 32) * cell, cell - 1, cell - 1);
  }
  if (selected !== null) {
    ctx.strokeStyle = "#e53e3e";
    ctx.lineWidth = 2;
    ctx.strokeRect((selected % 32) * cell, Math.floor(selected / 32) * cell, cell + 1, cell + 1);
  }
}

function arrow(svg, y1, y2, text) {
  svg.innerHTML = y1 === null ? "" :
    `<defs><marker id="${svg.id}-h" markerWidth="8" markerHeight="8" refX="7" refY="4" orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#e53e3e"/></marker></defs>` +
    `<path d="M2,${y1} C35,${y1} 35,${y2} 66,${y2}" stroke="#e53e3e" stroke-width="2" fill="none" marker-end="url(#${svg.id}-h)"/>` +
    `<text x="35" y="${Math.min(y1, y2) - 4}" text-anchor="middle" font-size="10">${text}</text>`;
}

async function drawWalk() {
  const addr = walkAddress();
  if (addr === null) return;
  const w = await api(`/api/pagewalk?step=${view.step}&addr=${encodeURIComponent(addr)}`);
  if (!w) return;
  view.walk = w;
  const rowY = (i) => 1 + Math.floor(i / 32) * 8 + 4;
  $("pd-title").textContent = `frame ${w.cr3_frame} (CR3), PDE[${w.dir_index}] = ${hex(w.pde)}`;
  drawGrid($("pd-grid"), w.directory, w.dir_index);
  drawGrid($("pt-grid"), w.table, w.table ? w.table_index : null);
  $("pt-title").textContent = w.table_frame !== null ? `frame ${w.table_frame}, PTE[${w.table_index}] = ${hex(w.pte)}` : (w.large ? "none: a 4 MiB page" : "none: the PDE is not present");
  arrow($("walk-arrows"), w.table_frame !== null || w.large ? rowY(w.dir_index) : null, w.large ? 129 : 10, w.large ? "4 MiB" : "table");
  arrow($("walk-arrows2"), w.frame !== null ? rowY(w.table_index) : null, 60, "frame");
  $("frame-title").textContent = w.frame !== null ? `frame ${w.frame}` : "";
  $("frame-box").textContent = w.physical !== null ? `physical\n${hex(w.physical)}\n= frame ${w.frame !== null ? w.frame : "-"} * 4096\n+ ${w.offset}` : "no frame:\nthe walk stops";
  $("walk-lines").textContent = w.lines.join("\n");
}

async function drawPhysical() {
  const f = await api(`/api/frames?step=${view.step}`);
  if (!f) return;
  // Frames are handed out from the bottom: draw up to the highest in use (and a little more)
  // in cells big enough to see, and say how many free frames lie beyond.
  const canvas = $("phys");
  const top = f.uses.reduce((m, u) => Math.max(m, u[0]), 0);
  const shown = Math.min(f.nframes, Math.max(256, Math.ceil((top + 1) / 64) * 64));
  const cols = 64, cell = shown <= 1024 ? 12 : shown <= 4096 ? 6 : 2;
  canvas.width = cols * cell;
  canvas.height = Math.ceil(shown / cols) * cell;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const box = (frame) => [(frame % cols) * cell, Math.floor(frame / cols) * cell, cell - 1, cell - 1];
  ctx.fillStyle = "#eee";
  for (let i = 0; i < shown; i++) ctx.fillRect(...box(i));
  ctx.fillStyle = "#999";
  ctx.fillRect(...box(0));             // frame 0: the zero page
  // One process: coloured by what the frame holds. Several (after fork): by owner, a frame
  // that several processes map (copy-on-write, shared memory) in its own colour.
  const owners = new Map();
  for (const [frame, pid] of f.uses) owners.set(frame, (owners.get(frame) || new Set()).add(pid));
  const pids = [...new Set(f.uses.map((u) => u[1]))].sort((a, b) => a - b);
  const byOwner = pids.length > 1;
  const pidColour = (pid) => `hsl(${(210 + pids.indexOf(pid) * 137) % 360}, 60%, 45%)`;
  const seen = new Map([["zero page", "#999"]]);
  for (const [frame, pid, what] of f.uses) {
    let label, colour;
    if (byOwner && owners.get(frame).size > 1) [label, colour] = ["shared by several processes", "#e53e3e"];
    else if (byOwner) [label, colour] = [`pid ${pid}${pid === f.pid ? " (current)" : ""}`, pidColour(pid)];
    else [label, colour] = [what, FRAME_COLOURS[what] || "#000"];
    seen.set(label, colour);
    ctx.fillStyle = colour;
    ctx.fillRect(...box(frame));
  }
  const used = new Set(f.uses.map((u) => u[0])).size;
  $("phys-title").textContent = `${f.nframes} frames of 4 KiB, ${used} in use, coloured ${byOwner ? "" : "by what holds them; "}` +
    (byOwner ? "by owner; " : "") + (shown < f.nframes ? `frames ${shown}..${f.nframes - 1} (not drawn) are free` : "");
  $("phys-legend").innerHTML = [...seen].map(([k, c]) => `<span><i style="background:${c}"></i>${esc(k)}</span>`).join("");
}

async function drawSide() {
  await drawWalk();
  await drawPhysical();
}

// ---------------------------------------------------------------- history and explain
let historyRows = [];

async function showHistory() {
  const t = $("history-target").value.trim();
  let q;
  if (t.startsWith("$")) q = `reg=${encodeURIComponent(t.slice(1))}`;
  else if (/^(0x[0-9a-f]+|[0-9]+)$/i.test(t)) q = `addr=${encodeURIComponent(t)}`;
  else q = `expr=${encodeURIComponent(t)}`;
  const h = await api(`/api/history?step=${view.step}&${q}`);
  if (!h) return;
  historyRows = h.writes;
  $("history-title").textContent = `${h.writes.length} write${h.writes.length === 1 ? "" : "s"} to ${h.target} (click one to go to its step)`;
  $("history").innerHTML = h.writes.map((w) => `<li data-step="${w.step}">step ${w.step}  ${esc(w.where)}  ${esc(w.text)}</li>`).join("");
  markHistory();
}

function markHistory() {
  const items = $("history").children;
  let at = -1;
  historyRows.forEach((w, i) => { if (w.step <= view.step) at = i; });
  for (let i = 0; i < items.length; i++) items[i].classList.toggle("at", i === at);
}

async function showExplain() {
  if (view.info.fatal_step === null) {
    $("explain").textContent = `The run ${view.info.end}: no fatal signal to explain.`;
    return;
  }
  const e = await api("/api/explain");
  if (e) $("explain").textContent = e.lines.join("\n");
}

// ---------------------------------------------------------------- the timeline's marks
function drawMarks() {
  const c = $("marks");
  c.width = c.clientWidth || 800;
  const ctx = c.getContext("2d");
  const last = Math.max(1, view.info.last);
  const kinds = Object.keys(MARK_COLOURS);
  const pad = 8;      // the slider's thumb: its track starts and ends about this far in
  const x = (s) => pad + (c.width - 2 * pad) * s / last;
  kinds.forEach((k, row) => {
    const m = view.info.marks[k];
    if (!m) return;
    ctx.fillStyle = MARK_COLOURS[k];
    for (const s of m.steps) {
      if (k === "fatal") ctx.fillRect(x(s) - 1, 0, 3, c.height);
      else ctx.fillRect(x(s), row * 4, 1, 3);
    }
  });
  $("marks-legend").innerHTML = kinds.map((k) => `<span><i style="background:${MARK_COLOURS[k]}"></i>${k} (${view.info.marks[k].count})</span>`).join("");
}

// ---------------------------------------------------------------- wiring
function wire() {
  $("slider").addEventListener("input", (e) => goto(+e.target.value));
  $("goto-form").addEventListener("submit", (e) => { e.preventDefault(); goto(+$("step-input").value); });
  document.querySelectorAll("button[data-cmd]").forEach((b) => b.addEventListener("click", () => motion(b.dataset.cmd)));
  $("walk-form").addEventListener("submit", (e) => { e.preventDefault(); drawWalk(); });
  $("history-form").addEventListener("submit", (e) => { e.preventDefault(); showHistory(); });
  $("history").addEventListener("click", (e) => {
    const li = e.target.closest("li");
    if (li) goto(+li.dataset.step);
  });
  // Clicks that ask another view about what was clicked: a stack slot's history, the walk of a
  // region's first page, of a page directory entry's first page, of a page table entry's page.
  const walkTo = (addr) => { $("walk-addr").value = hex(addr); drawWalk(); };
  $("stack").addEventListener("click", (e) => {
    const slot = e.target.closest(".slot[data-address]");
    if (!slot) return;
    $("history-target").value = hex(+slot.dataset.address);
    showHistory();
  });
  $("memory-map").addEventListener("click", (e) => {
    const g = e.target.closest("g.region");
    if (g && g.dataset.kind !== "kernel") walkTo(+g.dataset.start);
  });
  const cellAt = (canvas, e) => {
    const r = canvas.getBoundingClientRect();
    const col = Math.floor((e.clientX - r.left) * canvas.width / r.width / 8);
    const row = Math.floor((e.clientY - r.top) * canvas.height / r.height / 8);
    return col >= 0 && col < 32 && row >= 0 && row < 32 ? row * 32 + col : null;
  };
  $("pd-grid").addEventListener("click", (e) => {
    const i = cellAt(e.target, e);
    if (i !== null) walkTo(i * 2 ** 22);
  });
  $("pt-grid").addEventListener("click", (e) => {
    const i = cellAt(e.target, e);
    if (i !== null && view.walk && view.walk.table) walkTo(view.walk.dir_index * 2 ** 22 + i * 4096);
  });
  const keys = { ArrowRight: "stepi", ArrowLeft: "reverse-stepi", s: "step", S: "reverse-step", n: "next",
                 N: "reverse-next", c: "continue", C: "reverse-continue", f: "finish", F: "reverse-finish" };
  document.addEventListener("keydown", (e) => {
    if (e.target.tagName === "INPUT" && e.target.type !== "range") return;
    const cmd = keys[e.key];
    if (cmd && !e.ctrlKey && !e.metaKey && !e.altKey) { e.preventDefault(); motion(cmd); }
  });
  window.addEventListener("resize", drawMarks);
}

async function start() {
  wire();
  const info = await api("/api/info");
  if (!info) return;
  view.info = info;
  $("program").textContent = info.program;
  $("end").textContent = `${info.last} steps, ${info.end}`;
  $("last").textContent = `of ${info.last}`;
  $("public-warning").hidden = !info.public;
  if (info.warnings.length) {
    $("warnings").textContent = "warning: " + info.warnings[info.warnings.length - 1].split("\n")[0] +
      (info.warnings.length > 1 ? ` (and ${info.warnings.length - 1} more on the terminal)` : "");
    $("warnings").hidden = false;
  }
  $("slider").max = info.last;
  drawMarks();
  await goto(0);
  showExplain();
  document.body.dataset.ready = "1";
}

// For tests and the benchmark: go to a step and resolve once it is drawn.
window.vmdebug = { goto, motion, view, drawWalk, showHistory };
start();
