// The dashboard: reads and drives the mock through its admin API (admin.js), once a second.
"use strict";

const POLL_MS = 1000;
const JOURNAL_SHOWN = 500;   // rows kept in the page; the mock keeps more (GET /__mock__/journal)
const JOBS_SHOWN = 30;

const view = {
  apis: [], api: "",          // "" shows every API
  routes: [], journal: [], lastSeq: null, faults: [], snapshots: [], clock: null, timeline: null,
  scenarios: [], coverage: null,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

function say(message, isError) {
  const status = $("status");
  status.textContent = message;
  status.className = isError ? "error" : "muted";
}

// Runs an admin write, says what went wrong if it did, and refreshes the page's view.
async function act(what, fn) {
  try {
    await fn();
    say(what);
  } catch (error) {
    say(what + " failed: " + error.message, true);
  }
  await refresh();
}

// -- journal ---------------------------------------------------------------------------------------------------

async function loadJournal() {
  if (view.lastSeq === null) {
    view.journal = (await mockAdmin.call("GET", "/journal")).slice(-JOURNAL_SHOWN).reverse();
  } else {
    // since is exclusive: asking from the entry before the newest seen shows whether the journal was emptied
    const since = Math.max(0, view.lastSeq - 1);
    const fresh = await mockAdmin.call("GET", "/journal?since=" + since);
    if (view.lastSeq > 0 && !fresh.some((e) => e.seq === view.lastSeq)) {
      view.lastSeq = null;  // cleared or reset meanwhile: read it whole again
      return loadJournal();
    }
    const added = fresh.filter((e) => e.seq > view.lastSeq).reverse();
    view.journal = added.concat(view.journal).slice(0, JOURNAL_SHOWN);
  }
  view.lastSeq = view.journal.length ? view.journal[0].seq : 0;
}

function statusMatches(status, wanted) {
  wanted = wanted.trim().toLowerCase();
  if (!wanted) return true;
  if (wanted === "none") return status === null;
  if (status === null) return false;
  const text = String(status);
  return /^[1-5]xx$/.test(wanted) ? text[0] === wanted[0] : text === wanted;
}

function renderJournal() {
  const method = $("filter-method").value;
  const path = $("filter-path").value.trim();
  const status = $("filter-status").value;
  const unmatchedOnly = $("filter-unmatched").checked;
  const rows = view.journal.filter((e) =>
    (!view.api || e.api === view.api) && (!method || e.method === method) && (!path || e.path.includes(path)) &&
    statusMatches(e.status, status) && (!unmatchedOnly || e.unmatched));
  const body = $("journal").tBodies[0];
  body.replaceChildren(...rows.map((e) => el("tr", {class: e.unmatched ? "unmatched" : (e.fault ? "faulted" : ""),
                                                     "data-seq": e.seq},
    el("td", {}, e.seq), el("td", {}, e.time.replace("T", " ").replace("Z", "")), el("td", {}, e.api),
    el("td", {}, e.method),
    el("td", {class: "path", title: querystring(e.query)}, e.path + querystring(e.query)),
    el("td", {class: "op"}, e.unmatched ? el("span", {class: "badge bad"}, "unmatched") : (e.operation_id || "")),
    el("td", {class: "status s" + String(e.status || "none")[0]}, e.dropped ? "dropped" : e.status),
    el("td", {class: "num"}, e.duration_ms.toFixed(1)),
    el("td", {}, e.fault ? el("span", {class: "badge warn"}, "rule " + e.fault) : ""))));
  $("journal-more").textContent = view.journal.length >= JOURNAL_SHOWN
    ? `showing the newest ${JOURNAL_SHOWN}; GET /__mock__/journal has them all` : "";
}

function querystring(query) {
  const pairs = [];
  for (const [key, values] of Object.entries(query || {})) {
    for (const value of [].concat(values)) pairs.push(encodeURIComponent(key) + "=" + encodeURIComponent(value));
  }
  return pairs.length ? "?" + pairs.join("&") : "";
}

// -- clock, faults, snapshots, routes ----------------------------------------------------------------------------

function renderClock() {
  if (!view.clock) return;
  $("clock-now").textContent = view.clock.now;
  $("clock-frozen").textContent = view.clock.frozen ? "frozen" : "running";
  $("clock-frozen").className = "badge " + (view.clock.frozen ? "warn" : "ok");
}

function renderFaults() {
  $("faults").tBodies[0].replaceChildren(...view.faults.map((rule) => el("tr", {"data-rule": rule.id},
    el("td", {}, rule.id), el("td", {}, rule.method), el("td", {class: "path"}, rule.path),
    el("td", {}, rule.status ?? ""), el("td", {}, [].concat(rule.delay_ms).join("–")),
    el("td", {}, rule.times ?? "∞"), el("td", {}, rule.probability), el("td", {}, rule.drop ? "yes" : ""),
    el("td", {}, rule.hits),
    el("td", {}, el("button", {type: "button", class: "remove", onclick: () =>
      act(`fault rule ${rule.id} removed`, () => mockAdmin.call("DELETE", "/faults/" + encodeURIComponent(rule.id)))},
    "Remove")))));
}

function renderSnapshots() {
  $("snapshots").replaceChildren(...view.snapshots.map((name) => el("li", {"data-snapshot": name},
    el("span", {class: "name"}, name), " ",
    el("button", {type: "button", class: "restore", onclick: () =>
      act(`restored snapshot ${name}`, () => mockAdmin.call("POST", "/reset", {snapshot: name}))}, "Restore"), " ",
    el("button", {type: "button", class: "drop", onclick: () =>
      act(`dropped snapshot ${name}`, () => mockAdmin.call("DELETE", "/snapshots/" + encodeURIComponent(name)))},
    "Drop"))));
}

function renderRoutes() {
  const rows = view.routes.filter((r) => !view.api || r.api === view.api);
  $("routes").tBodies[0].replaceChildren(...rows.map((r) => el("tr", {},
    el("td", {}, r.api), el("td", {}, r.method), el("td", {class: "path"}, r.path), el("td", {}, r.operation_id))));
}

function renderApis() {
  const choices = [["", "all APIs"]].concat(view.apis.map((a) => [a, a]));
  $("apis").replaceChildren(...choices.map(([api, label]) => el("button", {
    type: "button", class: api === view.api ? "chosen" : "", "aria-pressed": String(api === view.api),
    "data-api": api, onclick: () => { view.api = api; renderApis(); render(); },
  }, label)));
  $("docs-links").replaceChildren("API docs: ", ...view.apis.flatMap((api, i) =>
    [i ? " · " : "", el("a", {href: "docs/" + api}, api)]));
}

// -- the Hub's jobs on the clock -------------------------------------------------------------------------------

function ms(text) { return text ? Date.parse(text) : null; }

function renderTimeline() {
  const panel = $("timeline-panel");
  panel.hidden = !view.apis.includes("hub") || (view.api !== "" && view.api !== "hub") || absent.has("/timeline");
  if (panel.hidden || !view.timeline) return;
  const now = ms(view.timeline.now);
  const jobs = view.timeline.jobs.slice(0, JOBS_SHOWN);
  $("scenarios").textContent = view.scenarios.length
    ? "Scenarios: " + view.scenarios.map((s) => `#${s.id} ${s.kind} ${s.node || s.site || s.workflow || ""}`).join(", ")
    : "";
  if (!jobs.length) {
    $("timeline").replaceChildren(el("p", {class: "muted"}, "No Hub jobs yet."));
    return;
  }
  let from = now, to = now;
  for (const job of jobs) {
    from = Math.min(from, ms(job.created));
    for (const task of job.tasks) to = Math.max(to, ms(task.finish) || now);
  }
  if (jobs.some((job) => job.tasks.some((task) => task.start === null))) {
    to = Math.max(to, now + Math.max(to - from, 1000) * 0.15);  // room after "now" for work still waiting
  }
  const span = Math.max(to - from, 1000);
  const pct = (t) => (100 * (t - from) / span).toFixed(3) + "%";
  const width = (a, b) => Math.max(0.4, 100 * (b - a) / span).toFixed(3) + "%";
  const scale = el("div", {class: "scale"}, el("span", {}, view.timeline.jobs.length ? new Date(from).toISOString() : ""),
                   el("span", {}, new Date(to).toISOString()));
  const rows = jobs.map((job) => {
    const track = el("div", {class: "track"});
    const start = ms(job.start);
    track.append(el("div", {class: "wait", style: `left:${pct(ms(job.created))};width:${width(ms(job.created), start ?? to)}`,
                            title: `job ${job.id} waiting to start`}));
    for (const task of job.tasks) {
      const a = ms(task.start), b = ms(task.finish);
      const bar = el("div", {
        class: "task " + task.state.toLowerCase() + (a === null ? " waiting" : ""),
        style: a === null ? `left:${pct(now)};width:${width(now, to)}` : `left:${pct(a)};width:${width(a, b)}`,
        title: `task ${task.id} ${task.state} ${task.input || ""}` + (task.error ? ` — ${task.error.code}: ${task.error.message}` : "")
          + (a === null ? " — waits for its site to have a node online" : `\n${task.start} → ${task.finish}`),
        "data-task": task.id,
      });
      track.append(bar);
    }
    track.append(el("div", {class: "now", style: `left:${pct(now)}`, title: "the mock's clock: " + view.timeline.now}));
    return el("div", {class: "job", "data-job": job.id, "data-state": job.state},
      el("div", {class: "label"}, `#${job.id} ${job.workflow} @${job.site} `,
        el("span", {class: "badge state " + job.state.toLowerCase()}, job.state),
        job.held ? el("span", {class: "badge warn held"}, "held") : "",
        ` ${job.tasks.length} task${job.tasks.length === 1 ? "" : "s"}`),
      track);
  });
  $("timeline").replaceChildren(scale, ...rows);
}

// -- coverage (GET /__mock__/coverage) ----------------------------------------------------------------------------

function renderCoverage() {
  if (!view.coverage) return;
  const sections = [];
  for (const [api, report] of Object.entries(view.coverage.apis || {})) {
    if (view.api && view.api !== api) continue;
    const operations = report.operations || [];
    const called = operations.filter((o) => o.calls > 0).length;
    sections.push(el("h3", {}, `${api}: ${called} of ${operations.length} operations called`));
    sections.push(el("table", {class: "coverage", "data-api": api},
      el("thead", {}, el("tr", {}, ...["operation", "method", "path", "calls", "fixture calls", "statuses seen",
                                        "documented, not seen"].map((h) => el("th", {}, h)))),
      el("tbody", {}, ...operations.map((o) => el("tr", {class: o.calls ? "" : "uncalled"},
        el("td", {}, o.operation_id), el("td", {}, o.method), el("td", {class: "path"}, o.path),
        el("td", {class: "num"}, o.calls), el("td", {class: "num"}, o.fixture_calls ?? ""),
        el("td", {}, (o.statuses_seen || []).join(" ")), el("td", {class: "muted"}, (o.statuses_not_seen || []).join(" ")))))));
    const unmatched = report.unmatched || [];
    if (unmatched.length || report.unmatched_unlisted_calls) {
      sections.push(el("p", {}, el("span", {class: "badge bad"}, "unmatched"), " requests no operation of the contract matches: ",
        unmatched.map((u) => `${u.method} ${u.path} (${u.calls})`).join(", "),
        report.unmatched_unlisted_calls ? ` and ${report.unmatched_unlisted_calls} more calls not listed` : ""));
    }
  }
  $("coverage").replaceChildren(...sections);
}

// -- the loop ----------------------------------------------------------------------------------------------------

// A panel is drawn again only when what it shows changed: a button stays the same element between polls, so a
// click is never lost to a redraw.
const drawn = {};
function redraw(name, data, draw) {
  const key = JSON.stringify([data, view.api]);
  if (drawn[name] === key) return;
  drawn[name] = key;
  draw();
}

function render() {
  redraw("clock", view.clock, renderClock);
  redraw("journal", [view.journal.length && view.journal[0].seq, view.journal.length], renderJournal);
  redraw("faults", view.faults, renderFaults);
  redraw("snapshots", view.snapshots, renderSnapshots);
  redraw("routes", view.routes.length, renderRoutes);
  redraw("timeline", [view.timeline, view.scenarios], renderTimeline);
  redraw("coverage", view.coverage, renderCoverage);
}

// One refresh at a time, in order: a write's refresh runs after the poll already under way.
let refreshes = Promise.resolve();
function refresh() {
  const next = refreshes.then(readAll);
  refreshes = next.catch(() => {});
  return next;
}

// What a proxy's admin plane does not have (it keeps no store, clock or coverage: each answers 404 once, saying so);
// the panel that shows it is hidden and the page stops asking.
const ABSENT_PANELS = {"/clock": "clock-panel", "/snapshots": "state-panel", "/coverage": "coverage-panel",
                       "/timeline": "timeline-panel", "/scenarios": "timeline-panel"};
const absent = new Set();

async function optional(path, otherwise) {
  if (absent.has(path)) return otherwise;
  try {
    return await mockAdmin.call("GET", path);
  } catch (error) {
    if (error.status !== 404 || !(path in ABSENT_PANELS)) throw error;
    absent.add(path);
    $(ABSENT_PANELS[path]).hidden = true;
    return otherwise;
  }
}

async function readAll() {
  const hub = view.apis.includes("hub");
  const [clock, faults, snapshots, timeline, scenarios, coverage] = await Promise.all([
    optional("/clock", null), mockAdmin.call("GET", "/faults"), optional("/snapshots", []),
    hub ? optional("/timeline", null) : null, hub ? optional("/scenarios", []) : [],
    optional("/coverage", null), loadJournal()]);
  Object.assign(view, {clock, faults, snapshots, timeline, scenarios, coverage});
  render();
}

async function loop() {
  try {
    await refresh();
  } catch (error) {
    say("cannot reach the admin API: " + error.message, true);
  }
  setTimeout(loop, POLL_MS);
}

function wire() {
  $("clock-freeze").addEventListener("click", () => act("clock frozen", () => mockAdmin.call("POST", "/clock", {freeze: true})));
  $("clock-unfreeze").addEventListener("click", () => act("clock running", () => mockAdmin.call("POST", "/clock", {freeze: false})));
  $("clock-advance").addEventListener("submit", (event) => {
    event.preventDefault();
    const seconds = Number($("clock-seconds").value);
    act(`clock advanced by ${seconds} s`, () => mockAdmin.call("POST", "/clock", {advance: seconds}));
  });
  $("clock-set").addEventListener("submit", (event) => {
    event.preventDefault();
    const instant = $("clock-instant").value.trim();
    act(`clock set to ${instant}`, () => mockAdmin.call("POST", "/clock", {set: instant}));
  });
  $("snapshot-save").addEventListener("submit", (event) => {
    event.preventDefault();
    const name = $("snapshot-name").value.trim();
    act(`snapshot ${name} saved`, () => mockAdmin.call("PUT", "/snapshots/" + encodeURIComponent(name)));
  });
  $("reset").addEventListener("click", () => act("reset to the seed", () => mockAdmin.call("POST", "/reset")));
  $("coverage-clear").addEventListener("click", () =>
    act("coverage cleared", () => mockAdmin.call("DELETE", "/coverage")));
  $("journal-clear").addEventListener("click", () => act("journal cleared", () => mockAdmin.call("DELETE", "/journal")));
  $("fault-add").addEventListener("submit", (event) => {
    event.preventDefault();
    const rule = {method: $("fault-method").value, path: $("fault-path").value.trim()};
    const number = (id) => $(id).value.trim() === "" ? undefined : Number($(id).value);
    for (const [key, id] of [["status", "fault-status"], ["delay_ms", "fault-delay"], ["times", "fault-times"],
                             ["probability", "fault-probability"]]) {
      if (number(id) !== undefined) rule[key] = number(id);
    }
    if ($("fault-drop").checked) rule.drop = true;
    act("fault rule added", () => mockAdmin.call("POST", "/faults", rule));
  });
  for (const id of ["filter-method", "filter-path", "filter-status", "filter-unmatched"]) {
    for (const event of ["input", "change"]) $(id).addEventListener(event, renderJournal);  // typing and picking
  }
  $("journal-filter").addEventListener("submit", (event) => event.preventDefault());
}

async function start() {
  wire();
  try {
    const health = await mockAdmin.call("GET", "/health");
    view.apis = health.apis;
    $("version").textContent = "v" + health.version;
    view.routes = await mockAdmin.call("GET", "/routes");
    renderApis();
  } catch (error) {
    say("cannot reach the admin API: " + error.message, true);
  }
  loop();
}

start();
