/* conflictmap: the events table under the map.
 *
 * One row per event of the view: the page's filters, the timeline's period, the map's bounds
 * (and the one event type shown, when the others are unticked), read page by page from
 * /api/events. Every cell is set with .textContent: an event's sentence, actors, place names
 * and document titles stay text. Clicking a row flies the map to its marker and opens it; its
 * documents are links; "Export this view" gives the same events as CSV or GeoJSON.
 *
 * Sorting: when the view holds at most data.table.all events, they are read at once and sorted
 * and paged here on any column; past that, the server sorts them (/api/events?sort=, by date,
 * type, place or killed; paging keeps the order) and the actors and sources columns sort the
 * page shown (the table says so).
 */
(function () {
  "use strict";

  var COLUMNS = [  // [key, heading, sort value of a row's properties]
    ["date", "Date", function (p) { return p.date || p.published || ""; }],
    ["type", "Type", function (p) { return (p.type || "") + " " + (p.subtype || ""); }],
    ["place", "Place (precision)", null],  // set in init: the name in the map's language
    ["actors", "Actors", function (p) { return (p.actors || []).join(", ").toLowerCase(); }],
    ["fatalities", "Killed", function (p) { return p.fatalities == null ? -1 : p.fatalities; }],
    ["sources", "Sources", function (p) { return (p.sources || [p.doc_id]).length; }]
  ];
  var SERVER_SORTS = {date: 1, type: 1, place: 1, fatalities: 1};  // /api/events?sort=
  var DEBOUNCE_MS = 250;

  window.conflictmapTable = function (cm) {
    var u = cm.util, data = cm.data, el = u.el, conf = data.table;
    var state = {open: null, sort: "date", desc: true, chosen: false, offset: 0, query: null,
      rows: null, total: 0, all: false, loading: null, timer: null};

    function placeName(p) {
      var keys = data.name_keys || [], i;
      for (i = 0; i < keys.length; i++) {
        var v = p["place_" + keys[i]];
        if (v) return v;
      }
      return p.place_name || "";
    }
    COLUMNS[2][2] = function (p) { return placeName(p).toLowerCase(); };

    function precision(p) {
      var labels = conf.precision_labels;
      return labels[p.precision] || labels[String(p.geo_precision)] || p.precision || "";
    }

    // -- the panel --------------------------------------------------------------------------
    document.body.classList.add("cm-with-table");
    var box = el("section", "cm-table", document.body);
    box.id = "cm-table";
    box.setAttribute("aria-label", "Events of the view, one row each");
    var head = el("div", "cm-tb-head", box);
    var toggle = el("button", "cm-tb-toggle", head, "");
    toggle.type = "button";
    toggle.setAttribute("aria-controls", "cm-table-body");
    var count = el("span", "cm-tb-count", head);
    count.id = "cm-table-count";
    var pager = el("span", "cm-tb-pager", head);
    var prev = el("button", "cm-tb-prev", pager, "\u2039");
    prev.type = "button"; prev.title = "previous rows";
    var span = el("span", "cm-tb-span", pager);
    var next = el("button", "cm-tb-next", pager, "\u203A");
    next.type = "button"; next.title = "next rows";
    var followBox = el("label", "cm-tb-follow", head);
    var follow = el("input", null, followBox);
    follow.type = "checkbox"; follow.checked = true; follow.id = "cm-table-follow";
    followBox.appendChild(document.createTextNode(" only the map's view"));
    follow.addEventListener("change", refresh);
    var exp = el("span", "cm-tb-export", head, "Export this view: ");
    var exports = conf.exports.map(function (f, i) {
      if (i) exp.appendChild(document.createTextNode(" "));
      var a = el("a", "cm-tb-export-link", exp, f[1]);
      a.setAttribute("data-format", f[0]);
      a.setAttribute("download", "");
      return [f[0], a];
    });
    var body = el("div", "cm-tb-body", box);
    body.id = "cm-table-body";
    var note = el("div", "cm-tb-note", body);
    var table = el("table", null, body);
    var headRow = el("tr", null, el("thead", null, table));
    var tbody = el("tbody", null, table);
    COLUMNS.forEach(function (c) {
      var th = el("th", null, headRow);
      th.setAttribute("data-key", c[0]);
      var b = el("button", "cm-tb-sort", th, c[1]);
      b.type = "button";
      b.title = "sort by " + c[1].toLowerCase();
      b.addEventListener("click", function () {
        if (state.sort === c[0]) state.desc = !state.desc;
        else { state.sort = c[0]; state.desc = c[0] === "date" || c[0] === "fatalities"; }
        state.chosen = true;
        state.offset = 0;
        if (state.all) draw(); else load(true);
      });
    });

    // Open or fold the table; the map takes the height it leaves (sized by the page's init the
    // first time).
    function setOpen(open, first) {
      state.open = open;
      document.body.classList.toggle("cm-table-open", open);
      toggle.setAttribute("aria-expanded", String(open));
      toggle.textContent = (open ? "\u25BE" : "\u25B8") + " Events table";
      body.hidden = !open;
      if (!first) {
        var map = cm.map, c = map.getCenter(), z = map.getZoom();
        map.invalidateSize({animate: false, pan: false});
        map.setView(c, z, {animate: false});
        u.saveView();
      }
      if (open) refresh();
    }
    toggle.addEventListener("click", function () { setOpen(!state.open, false); });

    // -- the query of the view --------------------------------------------------------------
    function viewQuery() {
      var q = follow.checked ? u.viewFilterQuery() : new URLSearchParams(u.periodQuery());
      var types = u.shownTypes();
      if (!q.get("type") && types.length === 1 && data.event_types.length > 1) {
        q.set("type", types[0]);
      }
      q.delete("lang");
      return q;
    }

    // Event types ticked in the layer control, when some but not all are (filtered here: the
    // API takes one type).
    function typeFilter() {
      var types = u.shownTypes();
      if (types.length === data.event_types.length) return null;
      var set = Object.create(null);
      types.forEach(function (t) { set[t] = true; });
      return set;
    }

    function refresh() {
      clearTimeout(state.timer);
      state.timer = setTimeout(function () {
        var q = viewQuery().toString();
        exports.forEach(function (x) { x[1].href = data.base + "/export/events." + x[0] + "?" + q; });
        if (!state.open) return;
        if (q !== state.query) { state.query = q; state.offset = 0; load(false); }
        else if (state.all) draw();  // the types ticked may have changed
      }, DEBOUNCE_MS);
    }
    cm.viewChanged.push(refresh);
    cm.viewParams.push(function (q) {
      if (state.open === defaultOpen()) q.delete("table"); else q.set("table", state.open ? "1" : "0");
    });

    // The server's order of a view too big to sort here: the column chosen, if it can.
    function serverSort() {
      if (!state.chosen || !SERVER_SORTS[state.sort]) return null;
      return (state.desc ? "-" : "") + state.sort;
    }

    function fetchPage(limit, offset) {
      var q = new URLSearchParams(state.query), sort = serverSort();
      if (sort) q.set("sort", sort);
      q.set("limit", limit);
      q.set("offset", offset);
      if (state.loading) state.loading.abort();
      var ctl = state.loading = new AbortController();
      document.body.setAttribute("data-cm-table-loading", "1");
      return fetch(data.events_url + "?" + q.toString(), {credentials: "same-origin",
        signal: ctl.signal}).then(function (r) {
        if (!r.ok) throw new Error("events: HTTP " + r.status);
        return r.json();
      });
    }

    // Page `state.offset` of the view; a view small enough is read whole and sorted here.
    function load(keepRows) {
      var first = state.all && keepRows ? null : fetchPage(conf.rows, state.offset);
      if (!first) { draw(); return; }
      first.then(function (fc) {
        if (fc.numberMatched > conf.rows && fc.numberMatched <= conf.all) {
          return fetchPage(conf.all, 0).then(function (whole) { return [whole, true]; });
        }
        return [fc, fc.numberMatched <= conf.rows];
      }).then(function (res) {
        state.rows = res[0].features.map(function (f) {  // the point is the geometry's
          var p = f.properties, c = f.geometry && f.geometry.coordinates;
          p.lon = c ? c[0] : null;
          p.lat = c ? c[1] : null;
          return p;
        });
        state.total = res[0].numberMatched;
        state.all = res[1];
        state.loading = null;
        document.body.removeAttribute("data-cm-table-loading");
        draw();
      }).catch(function (err) {
        if (err.name === "AbortError") return;
        document.body.removeAttribute("data-cm-table-loading");
        note.textContent = "The events of this view could not be loaded.";
        if (window.console) console.warn(String(err));
      });
    }

    function sorted(rows) {
      var col = COLUMNS.filter(function (c) { return c[0] === state.sort; })[0], key = col[2];
      var dir = state.desc ? -1 : 1;
      return rows.map(function (p, i) { return [key(p), i, p]; }).sort(function (a, b) {
        return a[0] < b[0] ? -dir : a[0] > b[0] ? dir : a[1] - b[1];
      }).map(function (x) { return x[2]; });
    }

    function draw() {
      var rows = state.rows || [], total = state.total, shown;
      var types = typeFilter();
      if (state.all) {
        if (types) rows = rows.filter(function (p) { return types[p.type]; });
        total = rows.length;
        if (state.offset >= total) state.offset = 0;
        shown = sorted(rows).slice(state.offset, state.offset + conf.rows);
      } else {  // the server's page, in its order (the column's, or the order stored)
        shown = state.chosen && !serverSort() ? sorted(rows) : rows;
      }
      tbody.textContent = "";
      shown.forEach(function (p) { tbody.appendChild(rowOf(p)); });
      if (!shown.length) {
        var td = el("td", "cm-tb-empty", el("tr", null, tbody), "No event in this view.");
        td.colSpan = COLUMNS.length;
      }
      Array.prototype.forEach.call(headRow.cells, function (th) {
        var on = th.getAttribute("data-key") === state.sort && (state.all || state.chosen);
        th.setAttribute("aria-sort", on ? (state.desc ? "descending" : "ascending") : "none");
      });
      var last = Math.min(total, state.offset + shown.length);
      count.textContent = total + " event" + (total === 1 ? "" : "s") + " in view";
      span.textContent = total ? (state.offset + 1) + "\u2013" + last + " of " + total : "";
      prev.disabled = state.offset === 0;
      next.disabled = last >= total;
      note.textContent = state.all ? "" : "More than " + conf.all + " events: the server sorts " +
        "them by date, type, place or killed, each page in turn; actors and sources sort the " +
        "page shown. Narrow the period or the view to sort them all on any column." +
        (types ? " Only one event type can be chosen: tick one type alone." : "");
      document.body.setAttribute("data-cm-table", state.offset + "+" + shown.length + "@" + total);
    }

    prev.addEventListener("click", function () {
      state.offset = Math.max(0, state.offset - conf.rows);
      if (state.all) draw(); else load(false);
    });
    next.addEventListener("click", function () {
      state.offset += conf.rows;
      if (state.all) draw(); else load(false);
    });

    // -- one row ----------------------------------------------------------------------------
    function docLink(parent, id, title) {
      var a = el("a", "cm-tb-doc", parent, title || id);
      a.href = data.base + "/documents/" + encodeURIComponent(id);
      a.target = "_top";
      return a;
    }

    function rowOf(p) {
      var tr = el("tr", "cm-tb-row");
      tr.setAttribute("data-event", String(p.id));
      var date = el("td", "cm-tb-date", tr, p.date || "");
      if (!p.date) {
        date.classList.add("cm-tb-nodate");
        date.textContent = p.published ? "(" + p.published.slice(0, 10) + ")" : "no date";
        date.title = p.published ? "no date of its own: published " + p.published.slice(0, 10) :
          "no date";
      }
      var type = el("td", "cm-tb-type", tr);
      var t = data.event_types.filter(function (x) { return x.name === p.type; })[0];
      if (t) el("span", "cm-tb-swatch", type).style.background = t.color;
      type.appendChild(document.createTextNode(p.type || ""));
      if (p.subtype) el("div", "cm-tb-sub", type, p.subtype);
      var place = el("td", "cm-tb-place", tr), name = placeName(p);
      if (p.lat != null && p.lon != null) {
        var go = el("button", "cm-tb-go", place, name || "(unnamed place)");
        go.type = "button";
        go.title = "show on the map";
        go.addEventListener("click", function (ev) { ev.stopPropagation(); show(p, tr); });
      } else {
        el("span", "cm-tb-noplace", place, "no place");
      }
      var prec = precision(p);
      if (prec) el("span", "cm-tb-prec", place, " (" + prec + ")");
      if (p.location && p.location !== name) el("div", "cm-tb-loc", place, "as written: " + p.location);
      el("td", "cm-tb-actors", tr, (p.actors || []).join(", "));
      el("td", "cm-num", tr, p.fatalities == null ? "" : String(p.fatalities));
      var src = el("td", "cm-tb-sources", tr), ids = p.sources && p.sources.length ? p.sources : [p.doc_id];
      ids.forEach(function (id, i) {
        if (i) src.appendChild(document.createTextNode(", "));
        docLink(src, id, id === p.doc_id ? p.doc_title : null);
      });
      if (p.lat != null && p.lon != null) {
        tr.classList.add("cm-tb-placed");
        tr.addEventListener("click", function (ev) {
          if (ev.target.closest("a")) return;  // a document's link opens the document
          show(p, tr);
        });
      }
      return tr;
    }

    // The map flies to the event's place and opens its marker.
    function show(p, tr) {
      var map = cm.map, target = L.latLng(p.lat, p.lon);
      var z = Math.max(map.getZoom(), conf.zoom);
      Array.prototype.forEach.call(tbody.querySelectorAll(".cm-tb-current"), function (r) {
        r.classList.remove("cm-tb-current");
      });
      tr.classList.add("cm-tb-current");
      function open() {
        cm.openEvents(p.type, p.place_id, p.lat, p.lon);
        document.body.setAttribute("data-cm-table-opened", String(p.id));
      }
      if (map.getZoom() === z && map.getCenter().distanceTo(target) < 1) { open(); return; }
      document.body.removeAttribute("data-cm-table-opened");
      map.once("moveend", function () { setTimeout(open, 0); });
      map.flyTo(target, z, {duration: conf.fly_seconds});
    }

    // -- open or folded at first ------------------------------------------------------------
    function defaultOpen() {  // a small embed shows its map first
      return window.innerHeight >= conf.open_min_height;
    }
    var asked = new URLSearchParams(window.location.search).get("table");
    setOpen(asked === "1" ? true : asked === "0" ? false : defaultOpen(), true);
  };
})();
