/* conflictmap: the review tools of a document page, for a signed-in reviewer
 * (web/review_pages.py, web/templates/review_document.html).
 *
 * A highlighted name opens a panel with its candidates and the geoparser's reasons
 * (/review/candidates/<doc>), a search of the gazetteer as you type (/map/places.json, the
 * map's place search), and "Not a place"; selected text the pipeline missed can be added as a
 * mention; an event's type, sub-type, date and toll can be edited. Every write goes to the
 * corrections API (PATCH /api/mentions|events/<id>, POST /api/documents/<id>/mentions) with the
 * session cookie and the page's CSRF token; the page reloads to show the result.
 *
 * Every text from the article, the gazetteer or the server is set with textContent, never as
 * HTML.
 */
(function () {
  "use strict";

  var dataEl = document.getElementById("review-data");
  var panel = document.getElementById("review-panel");
  var textEl = document.getElementById("text");
  if (!dataEl || !panel || !textEl) return;
  var R = JSON.parse(dataEl.textContent);
  var SEARCH_DELAY_MS = 250;
  var NOTICE_KEY = "conflictmap-review-notice";
  var byId = {};
  R.mentions.forEach(function (m) { byId[String(m.id)] = m; });
  var eventsById = {};
  R.events.forEach(function (e) { eventsById[String(e.id)] = e; });
  var candidates = null; // the answer of /review/candidates/<doc>, fetched once

  // -- small helpers ------------------------------------------------------------------------
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "className") node.className = attrs[k];
      else node.setAttribute(k, attrs[k]);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function status(message, isError) {
    var s = document.getElementById("review-status");
    if (!s) return;
    s.textContent = message || "";
    s.className = isError ? "review-error" : "";
    document.body.setAttribute("data-review-status", isError ? "error" : "ok");
  }

  function send(method, url, body) {
    var headers = { "Content-Type": "application/json" };
    headers[R.csrfHeader] = R.csrf;
    return fetch(url, {
      method: method,
      headers: headers,
      credentials: "same-origin",
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (j) {
        if (!r.ok) throw new Error(j.error || "the server answered " + r.status);
        return j;
      });
    });
  }

  function saved(message) {
    try { sessionStorage.setItem(NOTICE_KEY, message); } catch (e) { /* private mode */ }
    location.reload();
  }

  function failed(err) {
    status(err.message, true);
    var p = panel.querySelector(".review-panel-error");
    if (p) p.textContent = err.message;
  }

  function placeLabel(p) {
    var where = [p.feature, p.admin1_name, p.country_code].filter(Boolean).join(", ");
    return p.name + (where ? " (" + where + ")" : "");
  }

  function openPanel(title, kind) {
    if (pickMap) { pickMap.remove(); pickMap = null; }
    panel.textContent = "";
    panel.hidden = false;
    panel.setAttribute("data-kind", kind);
    var head = el("div", { className: "review-panel-head" });
    head.appendChild(el("h2", { id: "review-panel-title" }, title));
    var close = el("button", { type: "button", className: "review-close", "aria-label": "Close" }, "\u00d7");
    close.addEventListener("click", closePanel);
    head.appendChild(close);
    panel.appendChild(head);
    return panel;
  }

  function closePanel() {
    if (pickMap) { pickMap.remove(); pickMap = null; }
    panel.hidden = true;
    panel.textContent = "";
    panel.removeAttribute("data-kind");
  }

  function noteField() {
    var wrap = el("p");
    wrap.appendChild(el("label", { for: "review-note" }, "Note (optional)"));
    wrap.appendChild(el("br"));
    wrap.appendChild(el("input", { type: "text", id: "review-note", maxlength: "2000" }));
    return wrap;
  }

  function note() {
    var n = document.getElementById("review-note");
    return n && n.value.trim() ? n.value.trim() : undefined;
  }

  // -- the gazetteer search (the map's place search) ------------------------------------------
  function searchBox(initial, onPick) {
    var wrap = el("div", { className: "review-search" });
    wrap.appendChild(el("label", { for: "review-search-input" }, "Search the gazetteer"));
    var input = el("input", { type: "search", id: "review-search-input", autocomplete: "off" });
    input.value = initial || "";
    var list = el("ul", { id: "review-search-results", className: "review-choices" });
    var msg = el("p", { id: "review-search-msg", className: "meta" });
    wrap.appendChild(input);
    wrap.appendChild(msg);
    wrap.appendChild(list);
    var timer = null;
    var asked = 0;
    function run() {
      var q = input.value.trim();
      list.textContent = "";
      msg.textContent = "";
      if (!q) return;
      var mine = ++asked;
      var url = "/map/places.json?q=" + encodeURIComponent(q) +
        (R.lang === "fr" || R.lang === "en" ? "&lang=" + R.lang : "");
      var added = "/api/reviewed-places?q=" + encodeURIComponent(q);
      function get(u) {
        return fetch(u, { credentials: "same-origin" }).then(function (r) { return r.json(); });
      }
      Promise.all([get(url), get(added).catch(function () { return { places: [] }; })])
        .then(function (both) {
          if (mine !== asked) return;
          var j = both[0];
          if (j.error) { msg.textContent = j.error; return; }
          var mineAdded = (both[1].places || []).map(function (p) {
            return Object.assign({}, p, { admin1_name: "added by " + p.reviewer });
          });
          var all = mineAdded.concat(j.places);
          if (!all.length) {
            msg.textContent = "No place named \u201c" + q + "\u201d in the gazetteer.";
          }
          all.forEach(function (p) {
            list.appendChild(choice(p, "Use", function () { onPick(p); }));
          });
          panel.setAttribute("data-searched", String(asked));
        })
        .catch(function (err) { msg.textContent = err.message; });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(run, SEARCH_DELAY_MS);
    });
    if (initial) setTimeout(run, 0);
    return wrap;
  }

  function choice(p, verb, onClick, reason) {
    var li = el("li", { "data-place": p.id });
    var b = el("button", { type: "button" }, verb);
    b.addEventListener("click", onClick);
    li.appendChild(b);
    li.appendChild(el("span", { className: "review-place" }, " " + placeLabel(p)));
    if (typeof p.score === "number") {
      li.appendChild(el("span", { className: "meta" }, " score " + p.score.toFixed(2)));
    }
    if (reason) li.appendChild(el("div", { className: "review-reason" }, reason));
    return li;
  }

  // -- a place the gazetteer lacks: name, point (typed or picked on the map), level, country ---
  var pickMap = null;

  function drawPickMap(box, lat, lon) {
    if (!window.L) return; // Leaflet not loaded: the point is typed
    var div = el("div", { id: "review-pick-map", className: "review-pick-map" });
    box.appendChild(div);
    var center = lat.value && lon.value ? [Number(lat.value), Number(lon.value)] : [30, 20];
    pickMap = L.map(div, { attributionControl: false }).setView(center, lat.value ? 7 : 2);
    fetch("/data/countries.geojson", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (g) {
        L.geoJSON(g, { style: { color: "#888", weight: 1, fillColor: "#f3f0e8", fillOpacity: 1 } })
          .addTo(pickMap);
      })
      .catch(function () { /* the map without its outlines */ });
    var marker = null;
    pickMap.on("click", function (ev) {
      lat.value = ev.latlng.lat.toFixed(5);
      lon.value = L.Util.wrapNum(ev.latlng.lng, [-180, 180], true).toFixed(5);
      if (marker) marker.setLatLng(ev.latlng);
      else marker = L.circleMarker(ev.latlng, { radius: 6, color: "#a4000f" }).addTo(pickMap);
    });
  }

  function newPlaceForm(name, country, onAdded) {
    var box = el("details", { className: "review-new-place", id: "review-new-place" });
    box.appendChild(el("summary", {}, "Not in the gazetteer? Add the place"));
    var nameIn = el("input", { type: "text", id: "review-place-name", maxlength: "300" });
    nameIn.value = name || "";
    var lat = el("input", { type: "text", id: "review-place-lat", inputmode: "decimal", size: "10" });
    var lon = el("input", { type: "text", id: "review-place-lon", inputmode: "decimal", size: "10" });
    var feature = select("review-place-feature", R.placeFeatures.map(function (f) {
      return { value: f, label: f };
    }), "city");
    var cc = el("input", { type: "text", id: "review-place-country", maxlength: "2", size: "3" });
    cc.value = country || "";
    box.appendChild(field("Name", "review-place-name", nameIn));
    var point = el("p");
    point.appendChild(el("label", { for: "review-place-lat" }, "Latitude, longitude (type them or click the map)"));
    point.appendChild(el("br"));
    point.appendChild(lat);
    point.appendChild(document.createTextNode(" "));
    point.appendChild(lon);
    box.appendChild(point);
    box.appendChild(field("Level", "review-place-feature", feature));
    box.appendChild(field("Country (two-letter code)", "review-place-country", cc));
    var add = el("button", { type: "button", id: "review-add-place" }, "Add this place and use it");
    add.addEventListener("click", function () {
      var la = Number(lat.value.replace(",", "."));
      var lo = Number(lon.value.replace(",", "."));
      if (!lat.value.trim() || !lon.value.trim() || isNaN(la) || isNaN(lo)) {
        failed(new Error("Give the place's point: latitude and longitude, or click the map"));
        return;
      }
      var body = { name: nameIn.value.trim(), lat: la, lon: lo, feature: feature.value,
        country: cc.value.trim() };
      var n = note();
      if (n) body.note = n;
      send("POST", "/api/reviewed-places", body)
        .then(function (j) { onAdded(j.place); })
        .catch(failed);
    });
    box.appendChild(add);
    box.addEventListener("toggle", function () {
      if (box.open && !pickMap) drawPickMap(box, lat, lon);
    });
    return box;
  }

  function docCountry() {
    var seen = {};
    R.mentions.forEach(function (m) { if (m.country_code) seen[m.country_code] = (seen[m.country_code] || 0) + 1; });
    return Object.keys(seen).sort(function (a, b) { return seen[b] - seen[a]; })[0] || "";
  }

  // -- a mention: candidates, another place, not a place ----------------------------------------
  function loadCandidates() {
    if (candidates) return Promise.resolve(candidates);
    return fetch("/review/candidates/" + encodeURIComponent(R.doc), { credentials: "same-origin" })
      .then(function (r) {
        return r.json().then(function (j) {
          if (!r.ok) throw new Error(j.error || "the server answered " + r.status);
          candidates = j.mentions;
          return candidates;
        });
      });
  }

  function repoint(m, placeId, message) {
    var body = { place: placeId };
    var n = note();
    if (n) body.note = n;
    send("PATCH", "/api/mentions/" + m.id, body)
      .then(function () { saved(message); })
      .catch(failed);
  }

  function openMention(m) {
    openPanel("\u201c" + m.text + "\u201d", "mention");
    panel.setAttribute("data-mention", String(m.id));
    panel.appendChild(el("p", { id: "review-current" },
      m.place_id ? "Now: " + (m.name || m.place_id) + " (" + m.place_id + ")" : "Now: no place"));
    panel.appendChild(el("h3", {}, "Candidates"));
    var list = el("ul", { id: "review-candidates", className: "review-choices" });
    var reason = el("p", { className: "review-reason", id: "review-reason" });
    list.appendChild(el("li", { className: "meta" }, "Loading\u2026"));
    panel.appendChild(reason);
    panel.appendChild(list);
    loadCandidates().then(function (all) {
      list.textContent = "";
      var mine = all[String(m.id)];
      if (!mine || !mine.candidates.length) {
        list.appendChild(el("li", { className: "meta" }, "The gazetteer offers no place for this name."));
        if (mine) reason.textContent = mine.reason;
        return;
      }
      mine.candidates.forEach(function (c) {
        var chosen = c.id === m.place_id;
        var li = choice(c, chosen ? "Chosen" : "Use", function () {
          repoint(m, c.id, "\u201c" + m.text + "\u201d now points to " + c.name + ".");
        }, c.reason);
        if (chosen) {
          li.className = "review-chosen";
          li.querySelector("button").disabled = true;
        }
        list.appendChild(li);
      });
      panel.setAttribute("data-candidates", "1");
    }).catch(failed);
    panel.appendChild(el("h3", {}, "Another place"));
    panel.appendChild(searchBox("", function (p) {
      repoint(m, p.id, "\u201c" + m.text + "\u201d now points to " + p.name + ".");
    }));
    panel.appendChild(newPlaceForm(m.text, docCountry(), function (p) {
      repoint(m, p.id, "\u201c" + m.text + "\u201d now points to " + p.name + ", added.");
    }));
    panel.appendChild(noteField());
    var no = el("button", { type: "button", id: "review-not-a-place" }, "Not a place");
    no.addEventListener("click", function () {
      repoint(m, null, "\u201c" + m.text + "\u201d is marked as not a place.");
    });
    panel.appendChild(no);
    panel.appendChild(el("p", { className: "review-panel-error review-error", role: "alert" }));
  }

  textEl.addEventListener("click", function (ev) {
    var target = ev.target.closest ? ev.target.closest("[data-mention]") : null;
    if (!target || !textEl.contains(target)) return;
    var m = byId[target.getAttribute("data-mention")];
    if (!m) return;
    ev.preventDefault(); // a reviewer edits the name; readers follow the link to the map
    openMention(m);
  });

  // -- a name the pipeline missed: select it in the text ----------------------------------------
  function codePoints(s) { return Array.from(s).length; } // the store counts code points

  function selectedSpan() {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) return null;
    var range = sel.getRangeAt(0);
    if (!textEl.contains(range.startContainer) || !textEl.contains(range.endContainer)) return null;
    var before = document.createRange();
    before.setStart(textEl, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var head = before.toString();
    var picked = range.toString();
    var lead = picked.length - picked.replace(/^\s+/, "").length;
    var text = picked.trim();
    if (!text) return null;
    var start = codePoints(head + picked.slice(0, lead));
    return { start: start, end: start + codePoints(text), text: text };
  }

  function openNewMention(span) {
    openPanel("Add \u201c" + span.text + "\u201d as a place name", "new-mention");
    panel.setAttribute("data-start", String(span.start));
    panel.appendChild(el("p", { className: "meta" },
      "Characters " + span.start + "\u2013" + span.end + " of the text. Pick its place:"));
    function addAt(p) {
      var body = { start: span.start, end: span.end, place: p.id };
      var n = note();
      if (n) body.note = n;
      send("POST", "/api/documents/" + encodeURIComponent(R.doc) + "/mentions", body)
        .then(function () { saved("\u201c" + span.text + "\u201d added, at " + p.name + "."); })
        .catch(failed);
    }
    panel.appendChild(searchBox(span.text, addAt));
    panel.appendChild(newPlaceForm(span.text, docCountry(), addAt));
    panel.appendChild(noteField());
    panel.appendChild(el("p", { className: "review-panel-error review-error", role: "alert" }));
  }

  textEl.addEventListener("mouseup", function () {
    var span = selectedSpan();
    if (span) openNewMention(span);
  });

  // -- an event: type, sub-type, date, toll ----------------------------------------------------
  function select(id, options, value) {
    var s = el("select", { id: id });
    options.forEach(function (o) {
      var opt = el("option", { value: o.value }, o.label);
      if (o.value === value) opt.selected = true;
      s.appendChild(opt);
    });
    return s;
  }

  function field(label, id, control) {
    var p = el("p");
    p.appendChild(el("label", { for: id }, label));
    p.appendChild(el("br"));
    p.appendChild(control);
    return p;
  }

  function subtypeOptions(typeName) {
    var t = R.types.filter(function (x) { return x.name === typeName; })[0];
    var opts = [{ value: "", label: "(none)" }];
    (t ? t.subtypes : []).forEach(function (s) { opts.push({ value: s, label: s }); });
    return opts;
  }

  function openEvent(e) {
    openPanel("Event " + e.id, "event");
    panel.setAttribute("data-event", String(e.id));
    var type = select("review-type", R.types.map(function (t) {
      return { value: t.name, label: t.name };
    }), e.type);
    var sub = select("review-subtype", subtypeOptions(e.type), e.subtype || "");
    type.addEventListener("change", function () {
      var fresh = select("review-subtype", subtypeOptions(type.value), "");
      sub.replaceWith(fresh);
      sub = fresh;
    });
    var date = el("input", { type: "text", id: "review-date", placeholder: "YYYY-MM-DD", maxlength: "40" });
    date.value = e.date || "";
    var toll = el("input", { type: "number", id: "review-fatalities", min: "0", step: "1" });
    toll.value = e.fatalities === null || e.fatalities === undefined ? "" : String(e.fatalities);
    panel.appendChild(field("Type", "review-type", type));
    panel.appendChild(field("Sub-type", "review-subtype", sub));
    panel.appendChild(field("Date (a day, month, week or year; empty: unknown)", "review-date", date));
    panel.appendChild(field("Killed (empty: unknown)", "review-fatalities", toll));
    panel.appendChild(noteField());
    var save = el("button", { type: "button", id: "review-save-event" }, "Save");
    save.addEventListener("click", function () {
      var body = {};
      if (type.value !== e.type) body.type = type.value;
      var subValue = document.getElementById("review-subtype").value || null;
      if (body.type || subValue !== (e.subtype || null)) body.subtype = subValue;
      var d = date.value.trim() || null;
      if (d !== (e.date || null)) body.date = d;
      var f = toll.value.trim();
      var fv = f === "" ? null : Number(f);
      if (f !== "" && !(Number.isInteger(fv) && fv >= 0)) {
        failed(new Error("Killed must be a whole number, or empty"));
        return;
      }
      if (fv !== (e.fatalities == null ? null : e.fatalities)) body.fatalities = fv;
      if (!Object.keys(body).length) { failed(new Error("Nothing changed.")); return; }
      var n = note();
      if (n) body.note = n;
      send("PATCH", "/api/events/" + e.id, body)
        .then(function () { saved("Event " + e.id + " corrected."); })
        .catch(failed);
    });
    panel.appendChild(save);
    var del = el("button", { type: "button", id: "review-delete-event", className: "review-danger" },
      "Delete this event");
    del.addEventListener("click", function () {
      var body = { deleted: true };
      var n = note();
      if (n) body.note = n;
      send("PATCH", "/api/events/" + e.id, body)
        .then(function () { saved("Event " + e.id + " deleted."); })
        .catch(failed);
    });
    panel.appendChild(del);
    panel.appendChild(el("p", { className: "review-panel-error review-error", role: "alert" }));
  }

  document.querySelectorAll("#events li[data-event]").forEach(function (li) {
    var e = eventsById[li.getAttribute("data-event")];
    if (!e) return;
    var b = el("button", { type: "button", className: "review-edit-event" }, "Edit event");
    b.addEventListener("click", function () { openEvent(e); });
    li.appendChild(b);
  });

  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && !panel.hidden) closePanel();
  });

  var notice = null;
  try {
    notice = sessionStorage.getItem(NOTICE_KEY);
    sessionStorage.removeItem(NOTICE_KEY);
  } catch (e) { /* private mode */ }
  if (notice) status(notice, false);
  document.body.setAttribute("data-review-ready", "1");
})();
