/* conflictmap: fills the map's feature groups from the JSON block the server wrote.
 *
 * Strings in `data` are of two kinds:
 *  - popup bodies and layer labels, already escaped by the server (html.escape): set as HTML;
 *  - names and codes (search list, type options, embed code): raw text, only ever set through
 *    .textContent / .value, never as HTML.
 * Nothing here loads anything from outside the app.
 */
(function () {
  "use strict";

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  // A name as the search compares it: lower case, no accents ("Alèp" finds "Alep").
  function folded(s) {
    return String(s == null ? "" : s).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().trim();
  }

  // A country outline's name in the map's language: the first of data.name_keys it has.
  function countryName(props, data) {
    var keys = data.name_keys || ["name"];
    for (var i = 0; i < keys.length; i++) if (props[keys[i]]) return props[keys[i]];
    return props.name;
  }

  function el(tag, cls, parent, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    if (parent) parent.appendChild(node);
    return node;
  }

  function quiet(node) {
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
  }

  var cm = {layers: {}, places: Object.create(null), counts: {}};

  // Timings for the benchmarks (performance.getEntriesByType("mark")).
  function mark(name) {
    if (window.performance && performance.mark) performance.mark(name);
  }

  // One icon object per (type, count, precision): thousands of markers share a few hundred.
  var icons = Object.create(null);

  function eventIcon(t, count, imprecise) {
    var key = t.key + "|" + count + "|" + (imprecise ? 1 : 0);
    return icons[key] || (icons[key] = makeEventIcon(t, count, imprecise));
  }

  function makeEventIcon(t, count, imprecise) {
    var html = '<div class="cm-marker' + (imprecise ? " cm-imprecise" : "") +
      '" style="background:' + t.color + '"><i class="fa-solid fa-' + t.icon + '"></i>' +
      (count > 1 ? '<span class="cm-badge">' + count + "</span>" : "") + "</div>";
    return L.divIcon({html: html, className: "cm-event", iconSize: [26, 26], iconAnchor: [13, 13],
      popupAnchor: [0, -12]});
  }

  function clusterIcon(t, sum) {
    var size = sum < 10 ? 30 : sum < 100 ? 36 : sum < 1000 ? 42 : 48;
    var key = "c|" + t.key + "|" + sum;
    return icons[key] || (icons[key] = L.divIcon({
      html: '<div style="background:' + t.color + '"><span>' + sum + "</span></div>",
      className: "marker-cluster cm-cluster", iconSize: [size, size]
    }));
  }

  // Large maps: the popup's HTML (escaped by the server) is fetched when it opens.
  function lazyPopup(marker, data, t, placeId) {
    if (marker.cmLoaded || !placeId) return;
    var q = new URLSearchParams(data.popup_query);
    q.set("place", placeId);
    if (!q.has("type")) q.set("type", t.name);
    fetch(data.popup_url + "?" + q.toString(), {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (html) {
      marker.cmLoaded = true;
      marker.setPopupContent(html);
    }).catch(function () {
      marker.setPopupContent("Could not load these events.");
    });
  }

  var CLUSTER_RADIUS = 45; // pixels: markers closer than this at a zoom are drawn as one cluster
  var VIEW_PAD = 120;
  var SUGGESTIONS = 50; // places offered at once under the search box // pixels drawn around the view, so a short pan shows no gap

  /* The events of one type: one marker per place, clustered by zoom.
   *
   * Clusters are computed for a zoom the first time the map shows it (greedy, around the
   * places with the most events first, on a grid of CLUSTER_RADIUS cells) and only the markers
   * inside the view are in the DOM. Clicking a cluster zooms in on its places; at the map's
   * last zoom every place has its own marker (places at the same point are spread on a small
   * circle), so each one is reachable. Nothing is drawn while the layer is unticked.
   */
  var EventLayer = L.Layer.extend({
    initialize: function (t, rows, data) {
      this.t = t;
      this.rows = rows;
      this.data = data;
      this._zooms = Object.create(null);
      this._shown = Object.create(null);
    },

    // [lat, lng] of every place of this layer (its markers at the last zoom).
    points: function () {
      return this.rows.map(function (r) { return [r[0], r[1]]; });
    },

    onAdd: function (map) {
      this._fg = L.featureGroup().addTo(map);
      this._fg.on("click", this._click, this);
      map.on("moveend", this._draw, this);
      this._draw();
    },

    onRemove: function (map) {
      map.off("moveend", this._draw, this);
      map.removeLayer(this._fg);
      this._fg = null;
      this._shown = Object.create(null);
    },

    _project: function () {
      if (this._x) return;
      var crs = this._map.options.crs, n = this.rows.length;
      var x = this._x = new Float64Array(n), y = this._y = new Float64Array(n);
      var order = this._order = new Array(n);
      for (var i = 0; i < n; i++) {
        var p = crs.latLngToPoint(L.latLng(this.rows[i][0], this.rows[i][1]), 0);
        x[i] = p.x; y[i] = p.y; order[i] = i;
      }
      var rows = this.rows;
      order.sort(function (a, b) { return rows[b][3] - rows[a][3] || a - b; });
    },

    // The markers of zoom z: [key, x, y, sum, members (row indices)], pixels at zoom z.
    _clusters: function (z) {
      if (this._zooms[z]) return this._zooms[z];
      this._project();
      var scale = Math.pow(2, z), n = this.rows.length, x = this._x, y = this._y;
      var out = [], i, k;
      if (z >= this._map.getMaxZoom()) {
        var at = Object.create(null);
        for (i = 0; i < n; i++) {
          k = Math.round(x[i] * scale) + ":" + Math.round(y[i] * scale);
          (at[k] || (at[k] = [])).push(i);
        }
        for (k in at) {
          var same = at[k];
          for (var j = 0; j < same.length; j++) {
            var a = same.length > 1 ? 2 * Math.PI * j / same.length : 0;
            var r = same.length > 1 ? 14 + 2 * same.length : 0;
            i = same[j];
            out.push(["p" + i + (r ? "@" + j : ""), x[i] * scale + r * Math.cos(a),
              y[i] * scale + r * Math.sin(a), this.rows[i][3], [i]]);
          }
        }
        return (this._zooms[z] = out);
      }
      var R = CLUSTER_RADIUS, R2 = R * R, cells = new Map(), px = new Float64Array(n),
        py = new Float64Array(n), taken = new Uint8Array(n), cx, cy, key, list;
      for (i = 0; i < n; i++) {
        px[i] = x[i] * scale; py[i] = y[i] * scale;
        key = Math.floor(px[i] / R) * 8388608 + Math.floor(py[i] / R);
        list = cells.get(key);
        if (list) list.push(i); else cells.set(key, [i]);
      }
      for (var o = 0; o < n; o++) {
        var s = this._order[o];
        if (taken[s]) continue;
        taken[s] = 1;
        var members = [s], sx = px[s], sy = py[s], sum = this.rows[s][3];
        cx = Math.floor(px[s] / R); cy = Math.floor(py[s] / R);
        for (var dx = -1; dx <= 1; dx++) {
          for (var dy = -1; dy <= 1; dy++) {
            list = cells.get((cx + dx) * 8388608 + cy + dy);
            if (!list) continue;
            for (var m = 0; m < list.length; m++) {
              var q = list[m];
              if (taken[q]) continue;
              var ddx = px[q] - px[s], ddy = py[q] - py[s];
              if (ddx * ddx + ddy * ddy > R2) continue;
              taken[q] = 1; members.push(q); sx += px[q]; sy += py[q]; sum += this.rows[q][3];
            }
          }
        }
        if (members.length === 1) out.push(["p" + s, px[s], py[s], sum, members]);
        else out.push(["c" + z + ":" + s, sx / members.length, sy / members.length, sum, members]);
      }
      return (this._zooms[z] = out);
    },

    _draw: function () {
      var map = this._map;
      if (!map || !this._fg) return;
      var z = map.getZoom(), b = map.getPixelBounds(), pad = VIEW_PAD;
      var x0 = b.min.x - pad, x1 = b.max.x + pad, y0 = b.min.y - pad, y1 = b.max.y + pad;
      var next = Object.create(null), list = this._clusters(z);
      for (var i = 0; i < list.length; i++) {
        var c = list[i];
        if (c[1] < x0 || c[1] > x1 || c[2] < y0 || c[2] > y1) continue;
        var mk = this._shown[c[0]];
        if (!mk) {
          mk = this._marker(c, map.unproject([c[1], c[2]], z));
          this._fg.addLayer(mk);
        }
        next[c[0]] = mk;
      }
      for (var old in this._shown) {
        if (!next[old]) this._fg.removeLayer(this._shown[old]);
      }
      this._shown = next;
    },

    _marker: function (c, latlng) {
      var t = this.t, mk;
      if (c[4].length === 1) {
        var row = this.rows[c[4][0]];
        if (c[0].indexOf("@") < 0) latlng = L.latLng(row[0], row[1]);
        mk = L.marker(latlng, {icon: eventIcon(t, row[3], row[5]), title: ""});
        mk.cmRow = row;
      } else {
        mk = L.marker(latlng, {icon: clusterIcon(t, c[3]), title: ""});
        mk.cmMembers = c[4];
      }
      return mk;
    },

    _click: function (ev) {
      var m = ev.layer, map = this._map;
      if (m.cmMembers) {  // zoom in on the cluster's places
        var rows = this.rows, ll = m.cmMembers.map(function (i) { return [rows[i][0], rows[i][1]]; });
        var bounds = L.latLngBounds(ll), z = map.getZoom();
        var fit = Math.min(map.getBoundsZoom(bounds, false, L.point(40, 40)), map.getMaxZoom());
        map.setView(bounds.getCenter(), Math.max(fit, Math.min(z + 1, map.getMaxZoom())));
        return;
      }
      var row = m.cmRow, t = this.t, data = this.data;
      if (!row || m.getPopup()) return;
      if (row[4] != null) {
        m.bindPopup(row[4], {maxWidth: 360, maxHeight: 320});
      } else {
        m.bindPopup("Loading\u2026", {maxWidth: 360, maxHeight: 320});
        m.on("popupopen", function () { lazyPopup(m, data, t, row[6]); });
      }
      m.openPopup();
    }
  });

  function addEvents(map, groups, data, bounds) {
    var rows = data.event_types.map(function () { return []; });
    var lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
    data.events.forEach(function (row) {
      rows[row[2]].push(row);
      if (row[0] < lat0) lat0 = row[0];
      if (row[0] > lat1) lat1 = row[0];
      if (row[1] < lon0) lon0 = row[1];
      if (row[1] > lon1) lon1 = row[1];
    });
    if (data.events.length) bounds.push([lat0, lon0], [lat1, lon1]);
    cm.layers.events = data.event_types.map(function (t, i) {
      return {type: t, layer: new EventLayer(t, rows[i], data)};
    });
    cm.counts.eventMarkers = data.events.length;
  }

  // Drawn once the map has its first view: clusters are made for that zoom only.
  function drawEvents(groups, data) {
    cm.layers.events.forEach(function (c) { groups[c.type.key].addLayer(c.layer); });
  }

  // The heatmap is made when its layer is first ticked.
  function addHeat(map, groups, data) {
    if (!groups.heatmap || typeof L.heatLayer !== "function") return;
    if (map.hasLayer(groups.heatmap)) makeHeat(groups, data);
    else groups.heatmap.once("add", function () { makeHeat(groups, data); });
  }

  function makeHeat(groups, data) {
    var top = 1;
    var pts = data.events.map(function (row) {
      var w = Math.log(1 + row[3]);
      if (w > top) top = w;
      return [row[0], row[1], w];
    });
    var heat = L.heatLayer(pts, {radius: 22, blur: 18, max: top, maxZoom: 9});
    groups.heatmap.addLayer(heat);
    cm.layers.heatmap = heat;
  }

  function addStatements(groups, data, bounds) {
    var icon = L.divIcon({
      html: '<div class="cm-speech" style="background:' + data.statement_color +
        '"><i class="fa-solid fa-comment"></i></div>',
      className: "cm-event", iconSize: [24, 24], iconAnchor: [12, 24], popupAnchor: [0, -22]
    });
    var markers = [];
    data.statements.forEach(function (row) {
      var where = [row[0], row[1]];
      row[2].forEach(function (p) {
        L.polyline([where, p], {color: data.statement_color, weight: 2, dashArray: "5 5",
          opacity: 0.8}).bindPopup(row[3], {maxWidth: 360}).addTo(groups.statements);
      });
      var m = L.marker(where, {icon: icon}).bindPopup(row[3], {maxWidth: 360, maxHeight: 320});
      m.addTo(groups.statements);
      markers.push(m);
      bounds.push(where);
    });
    cm.layers.statements = markers;
  }

  function addPlaces(groups, data, bounds) {
    var circles = [];
    data.places.forEach(function (row) {
      var r = Math.min(30, 4 + 3 * Math.sqrt(row[2]));
      var c = L.circleMarker([row[0], row[1]], {
        radius: r, color: data.place_color, weight: 1, fillColor: data.place_color,
        fillOpacity: 0.3
      }).bindPopup(row[3], {maxWidth: 360, maxHeight: 320});
      c.addTo(groups.places);
      if (row[4]) cm.places[row[4]] = c;
      circles.push(c);
      bounds.push([row[0], row[1]]);
    });
    cm.layers.places = circles;
  }

  function classColor(n, data) {
    if (!n) return null;
    for (var i = 0; i < data.breaks.length; i++) {
      if (n <= data.breaks[i]) return data.colors[Math.min(i + 1, data.colors.length - 1)];
    }
    return data.colors[data.colors.length - 1];
  }

  function addCountries(map, groups, data) {
    map.createPane("cm-base").style.zIndex = 250;
    map.createPane("cm-choropleth").style.zIndex = 350;
    fetch(data.countries_url, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) throw new Error("countries: HTTP " + r.status);
      return r.json();
    }).then(function (fc) {
      L.geoJSON(fc, {
        pane: "cm-base", interactive: false,
        style: {color: "#a0a0a0", weight: 0.7, fillColor: "#f3f0e8", fillOpacity: 1}
      }).addTo(groups.countries);
      if (groups.choropleth) {
        L.geoJSON(fc, {
          pane: "cm-choropleth",
          filter: function (f) { return !!data.counts[f.properties.iso]; },
          style: function (f) {
            return {color: "#7a4a1a", weight: 0.6, fillOpacity: 0.75,
              fillColor: classColor(data.counts[f.properties.iso], data)};
          },
          onEachFeature: function (f, layer) {
            layer.bindTooltip(esc(countryName(f.properties, data)) + ": " +
              esc(data.counts[f.properties.iso]) + " mentions");
          }
        }).addTo(groups.choropleth);
      }
      document.body.setAttribute("data-cm-countries", String(fc.features.length));
    }).catch(function (err) {
      document.body.setAttribute("data-cm-countries", "error");
      if (window.console) console.warn(String(err));
    });
  }

  function legend(map, data) {
    var ctl = L.control({position: "bottomright"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-legend leaflet-bar");
      quiet(box);
      var html = "<h4>Legend</h4>";
      data.event_types.forEach(function (t) {
        html += '<div><span class="cm-swatch" style="background:' + t.color +
          '"><i class="fa-solid fa-' + t.icon + '"></i></span> ' + t.type +
          ' <span class="cm-n">' + t.count + "</span></div>";
      });
      html += '<div><span class="cm-swatch" style="background:' + data.statement_color +
        '"><i class="fa-solid fa-comment"></i></span> statement, dashed lines to the places it names</div>';
      html += '<div><span class="cm-circle" style="border-color:' + data.place_color +
        '"></span> place mentioned (size: mentions)</div>';
      html += '<div><span class="cm-swatch cm-imprecise" style="background:#999"></span> ' +
        "located at province or country level only</div>";
      if (data.breaks.length) {
        html += '<div class="cm-scale">Mentions by country: ';
        var lo = 1;
        data.breaks.forEach(function (b, i) {
          html += '<span class="cm-class" style="background:' +
            data.colors[Math.min(i + 1, data.colors.length - 1)] + '">' + lo +
            (b > lo ? "&ndash;" + b : "") + "</span>";
          lo = b + 1;
        });
        html += "</div>";
      }
      html += '<div class="cm-n">' + data.events_shown + " of " + data.events_total +
        " events" + (data.truncated ? ": narrow the dates or the area to see all" : "") + "</div>";
      box.innerHTML = html;
      return box;
    };
    ctl.addTo(map);
  }

  function filterControl(map, data) {
    var ctl = L.control({position: "topleft"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-filter leaflet-bar");
      quiet(box);
      var form = el("form", null, box);
      form.method = "get";
      form.setAttribute("aria-label", "Filter by date and type");
      var params = new URLSearchParams(window.location.search);
      ["start", "end", "type", "offset", "lat", "lon", "zoom", "focus"].forEach(function (k) {
        params.delete(k);
      });
      params.forEach(function (v, k) {
        var h = el("input", null, form);
        h.type = "hidden"; h.name = k; h.value = v;
      });
      el("div", "cm-title", form, "Time");
      var row = el("div", "cm-row", form);
      var s = el("input", null, row); s.type = "date"; s.name = "start"; s.title = "from";
      s.value = data.filters.start || "";
      var e = el("input", null, row); e.type = "date"; e.name = "end"; e.title = "to";
      e.value = data.filters.end || "";
      var sel = el("select", null, form); sel.name = "type"; sel.title = "event type";
      el("option", null, sel, "all event types").value = "";
      data.type_options.forEach(function (t) {
        var o = el("option", null, sel, t); o.value = t;
        if (t === data.filters.type) o.selected = true;
      });
      var b = el("button", null, form, "Apply"); b.type = "submit";
      var reset = el("a", "cm-reset", form, "reset");
      reset.href = window.location.pathname;
      return box;
    };
    ctl.addTo(map);
  }

  function searchControl(map, data) {
    var ctl = L.control({position: "topleft"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-search leaflet-bar");
      quiet(box);
      var input = el("input", null, box);
      input.type = "search"; input.placeholder = "Find a place"; input.id = "cm-search-input";
      input.setAttribute("list", "cm-search-list"); input.setAttribute("aria-label", "Find a place");
      var list = el("datalist", null, box); list.id = "cm-search-list";
      // Suggestions follow what is typed (names starting with it first): a list of every
      // place would put thousands of options in the page. A place is listed under each of
      // its names (French, English, as a document wrote it): [name, lat, lon, id, shown as].
      var names = null, typed = null;
      function suggest() {
        var v = folded(input.value);
        if (v === typed) return;
        typed = v;
        list.textContent = "";
        if (!v) return;
        names = names || data.search.map(function (s) { return folded(s[0]); });
        var first = [], then = [];
        for (var i = 0; i < names.length && first.length < SUGGESTIONS; i++) {
          var at = names[i].indexOf(v);
          if (at === 0) first.push(data.search[i][0]);
          else if (at > 0 && then.length < SUGGESTIONS) then.push(data.search[i][0]);
        }
        first.concat(then).slice(0, SUGGESTIONS).forEach(function (n, j, all) {
          if (all.indexOf(n) === j) el("option", null, list).value = n;
        });
      }
      input.addEventListener("input", suggest);
      function go() {
        var v = folded(input.value);
        if (!v) return;
        var hit = null;
        data.search.forEach(function (s) {
          if (!hit && folded(s[0]) === v) hit = s;
        });
        if (!hit) data.search.forEach(function (s) {
          if (!hit && folded(s[0]).indexOf(v) === 0) hit = s;
        });
        if (!hit) { input.classList.add("cm-miss"); return; }
        input.classList.remove("cm-miss");
        cm.show(hit[3], hit[1], hit[2], hit[4] || hit[0]);
      }
      input.addEventListener("change", go);
      input.addEventListener("keydown", function (ev) { if (ev.key === "Enter") go(); });
      return box;
    };
    ctl.addTo(map);
  }

  function embedControl(map, data) {
    if (!data.embed_code) return;
    var ctl = L.control({position: "bottomleft"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-embed leaflet-bar");
      quiet(box);
      var btn = el("button", null, box, "Embed, data and API");
      btn.type = "button";
      var panel = el("div", "cm-panel cm-hidden", box);
      el("div", "cm-title", panel, "Embed this map");
      var ta = el("textarea", null, panel);
      ta.readOnly = true; ta.rows = 3; ta.value = data.embed_code; ta.id = "cm-embed-code";
      var q = new URLSearchParams(window.location.search);
      ["lat", "lon", "zoom", "focus"].forEach(function (k) { q.delete(k); });
      var qs = q.toString() ? "?" + q.toString() : "";
      var links = [
        ["Documents", data.base + "/documents"],
        ["Events GeoJSON", data.base + "/export/events.geojson" + qs],
        ["Events CSV", data.base + "/export/events.csv" + qs],
        ["Events GeoPackage", data.base + "/export/events.gpkg" + qs],
        ["Snapshot PNG", data.base + "/snapshot.png" + qs],
        ["API (OpenAPI)", data.base + "/openapi.json"]
      ];
      var ul = el("ul", null, panel);
      links.forEach(function (l) { var a = el("a", null, el("li", null, ul), l[0]); a.href = l[1]; });
      el("div", "cm-credits", panel).innerHTML = data.credits;
      btn.addEventListener("click", function () { panel.classList.toggle("cm-hidden"); });
      return box;
    };
    ctl.addTo(map);
  }

  cm.show = function (id, lat, lon, name) {
    var map = cm.map;
    map.setView([lat, lon], Math.max(map.getZoom(), 9), {animate: false});
    var c = id && cm.places[id];
    if (c && cm.groups.places && map.hasLayer(cm.groups.places)) {
      c.openPopup();
    } else {
      L.popup().setLatLng([lat, lon]).setContent("<b>" + esc(name) + "</b>").openOn(map);
    }
  };

  // The server sends each position once; a row per event group is
  // [lat, lon, type, count, popup HTML or null, imprecise, place id].
  function expandEvents(data) {
    var at = data.event_places || [];
    data.events = data.events.map(function (r) {
      var p = at[r[0]];
      return [p[0], p[1], r[1], r[2], r.length > 4 ? r[4] : null, r[3], p[2]];
    });
  }

  cm.init = function (map, groups, data) {
    expandEvents(data);
    cm.map = map;
    cm.groups = groups;
    cm.data = data;
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution(data.credits);
    // Fit the events; statements or places only when there is no event (a country's
    // centroid among the places would zoom the map out to the world).
    var evBounds = [], stBounds = [], plBounds = [];
    mark("cm-init");
    addCountries(map, groups, data);
    addEvents(map, groups, data, evBounds);
    addHeat(map, groups, data);
    addStatements(groups, data, stBounds);
    addPlaces(groups, data, plBounds);
    mark("cm-layers");
    var bounds = evBounds.length ? evBounds : stBounds.length ? stBounds : plBounds;
    if (data.fit && bounds.length) {
      map.fitBounds(bounds, {maxZoom: 7, animate: false, paddingTopLeft: [280, 40], paddingBottomRight: [300, 40]});
    }
    mark("cm-fit");
    drawEvents(groups, data);
    mark("cm-events");
    filterControl(map, data);
    searchControl(map, data);
    legend(map, data);
    embedControl(map, data);
    mark("cm-controls");
    if (data.focus && cm.places[data.focus] && map.hasLayer(groups.places)) {
      cm.places[data.focus].openPopup();
    }
    document.body.setAttribute("data-cm-ready", "1");
  };

  window.conflictmap = cm;
})();
