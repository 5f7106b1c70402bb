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

  var cm = {layers: {}, places: Object.create(null), counts: {}, view: {period: null, search: ""},
    viewChanged: [], viewParams: []};  // called when the view changes; extra URL keys

  // A layer of the registry (web/layers.py: data.layers): its name, label, icon, colours, legend
  // entry, and whether it is counted, fitted and drawn by the snapshot.
  function layerOf(data, name) {
    for (var i = 0; i < data.layers.length; i++) if (data.layers[i].name === name) return data.layers[i];
    return null;
  }

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

    // New rows (the events of another period): clusters are made again, markers redrawn.
    setRows: function (rows) {
      this.rows = rows;
      this._zooms = Object.create(null);
      this._x = null;
      if (this._fg) {
        this._fg.clearLayers();
        this._shown = Object.create(null);
        this._draw();
      }
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

  /* A big store's events (data.by_view): the page asks the server for the markers of what is in
   * view at its zoom (data.clusters_url: web/clusters.py), with the filters, the timeline's
   * period and the event types ticked, each time the map moves; the answer is clusters of a
   * grid (count, centre, the type with most events: a click zooms to its places) or, when few
   * are in view, one marker per place and type with its popup (fetched when it opens).
   */
  // Run `f` once the first view's markers are drawn: a big store's page asks for its first
  // view before the timeline, the counts and the places (slower to answer at a million events).
  var waiting = [];
  function whenViewDrawn(f) {
    if (cm.viewLayer && !cm.viewSettled) waiting.push(f); else f();
  }
  function viewDrawn() {
    cm.viewSettled = true;
    var run = waiting;
    waiting = [];
    run.forEach(function (f) { f(); });
  }

  var ViewLayer = L.Layer.extend({
    initialize: function (data) {
      this.data = data;
      this.rows = [];  // the view's single markers: [lat, lon, type, count, null, imprecise, id]
    },

    onAdd: function (map) {
      this._fg = L.featureGroup().addTo(map);
      this._fg.on("click", this._click, this);
      map.on("moveend", this.refresh, this);
      this.refresh();
    },

    onRemove: function (map) {
      map.off("moveend", this.refresh, this);
      map.removeLayer(this._fg);
      this._fg = null;
    },

    // Ask again for the view's markers (the view, the period or the types ticked changed).
    refresh: function () {
      var map = this._map, self = this;
      if (!map || !this._fg) return;
      if (this._asking) this._asking.abort();
      var types = shownTypes(), all = this.data.event_types.length;
      if (!types.length) {
        this._fg.clearLayers();
        this.rows = [];
        this._query = null;
        document.body.setAttribute("data-cm-view", "none");
        viewDrawn();
        return;
      }
      var b = viewBox(), extra = {zoom: String(Math.round(map.getZoom()))};
      if (b) extra.view = b.join(",");
      if (types.length < all) extra.types = types.join(",");
      var query = periodQuery(extra);
      if (query === this._query && !this._asking) return;  // this view is drawn already
      this._query = query;
      var ctl = this._asking = new AbortController();
      document.body.setAttribute("data-cm-view-loading", "1");
      fetch(this.data.clusters_url + "?" + query,
        {credentials: "same-origin", signal: ctl.signal}).then(function (r) {
        if (!r.ok) throw new Error("clusters: HTTP " + r.status);
        return r.json();
      }).then(function (res) {
        if (ctl !== self._asking || !self._fg) return;
        self._asking = null;
        self._show(res);
      }).catch(function (err) {
        if (err.name === "AbortError") return;
        self._asking = null;
        self._query = null;
        document.body.removeAttribute("data-cm-view-loading");
        document.body.setAttribute("data-cm-view", "error");
        if (window.console) console.warn(String(err));
        viewDrawn();
      });
    },

    _show: function (res) {
      var at = Object.create(null), rows = [], heat = [];
      this.data.event_types.forEach(function (t) { at[t.name] = t; });
      var type = function (i) { return at[res.types[i]] || null; };
      this._fg.clearLayers();
      var fg = this._fg;
      res.clusters.forEach(function (c) {
        var t = type(c[3]);
        if (!t) return;
        var mk = L.marker([c[0], c[1]], {icon: clusterIcon(t, c[2]), title: ""});
        mk.cmBounds = [[c[5], c[6]], [c[7], c[8]]];
        fg.addLayer(mk);
        heat.push([c[0], c[1], c[2]]);
      });
      // the types of one place, side by side on a small circle around it
      var same = Object.create(null), map = this._map, z = map.getZoom();
      res.singles.forEach(function (r) {
        var k = r[0] + "," + r[1];
        same[k] = (same[k] || 0) + 1;
      });
      var seen = Object.create(null);
      res.singles.forEach(function (r) {
        var t = type(r[2]);
        if (!t) return;
        var row = [r[0], r[1], r[2], r[3], null, r[4], r[5]], k = r[0] + "," + r[1];
        var at = L.latLng(r[0], r[1]), n = same[k];
        if (n > 1) {
          var j = seen[k] = (seen[k] || 0) + 1, a = 2 * Math.PI * (j - 1) / n;
          var px = map.project(at, z), rad = 14 + 2 * n;
          at = map.unproject([px.x + rad * Math.cos(a), px.y + rad * Math.sin(a)], z);
        }
        var mk = L.marker(at, {icon: eventIcon(t, r[3], r[4]), title: ""});
        mk.cmRow = row;
        mk.cmType = t;
        fg.addLayer(mk);
        rows.push(row);
        heat.push([r[0], r[1], r[3]]);
      });
      this.rows = rows;
      cm.viewMarkers = {clusters: res.clusters.length, singles: res.singles.length,
        events: res.events, zoom: res.zoom};
      // the heatmap of the view: its clusters and places weighted by their events
      cm.data.events = heat.map(function (h) { return [h[0], h[1], 0, h[2]]; });
      if (cm.groups.heatmap && this._map.hasLayer(cm.groups.heatmap)) makeHeat(cm.groups, cm.data);
      cm.viewLoads = (cm.viewLoads || 0) + 1;
      var body = document.body;
      body.removeAttribute("data-cm-view-loading");
      body.setAttribute("data-cm-view", res.clusters.length + "c" + res.singles.length + "s@" +
        res.zoom);
      body.setAttribute("data-cm-view-loads", String(cm.viewLoads));
      viewDrawn();
    },

    _click: function (ev) {
      var m = ev.layer, map = this._map;
      if (m.cmBounds) {  // zoom in on the cluster's places
        var bounds = L.latLngBounds(m.cmBounds), z = map.getZoom(), top = map.getMaxZoom();
        var fit = Math.min(map.getBoundsZoom(bounds, false, L.point(40, 40)), top);
        map.setView(bounds.getCenter(), Math.max(fit, Math.min(z + 1, top)));
        return;
      }
      var row = m.cmRow;
      if (!row || m.getPopup()) return;
      m.bindPopup("Loading\u2026", {maxWidth: 360, maxHeight: 320});
      var data = this.data, t = m.cmType;
      m.on("popupopen", function () { lazyPopup(m, data, t, row[6]); });
      m.openPopup();
    }
  });

  function addEvents(map, groups, data, bounds) {
    if (data.by_view) {  // a big store: the markers of each view, asked for
      var db = data.data_bounds;
      if (db) bounds.push([db[0], db[1]], [db[2], db[3]]);
      cm.layers.events = data.event_types.map(function (t) {
        return {type: t, layer: {rows: []}};
      });
      cm.viewLayer = new ViewLayer(data);
      cm.counts.eventMarkers = 0;
      return;
    }
    var rows = rowsByType(data, data);
    var lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
    data.events.forEach(function (row) {
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

  // The event rows of `got` (the page's data or a period's) for each type of the page, in the
  // page's order: the types are matched by name.
  function rowsByType(page, got) {
    var at = Object.create(null), rows = page.event_types.map(function (t, i) {
      at[t.name] = i;
      return [];
    });
    got.events.forEach(function (row) {
      var i = at[got.event_types[row[2]].name];
      if (i !== undefined) rows[i].push(row);
    });
    return rows;
  }


  // Drawn once the map has its first view: clusters are made for that zoom only.
  function drawEvents(groups, data) {
    if (cm.viewLayer) {  // one layer for every type, asked again when a type is (un)ticked
      cm.map.addLayer(cm.viewLayer);
      cm.map.on("overlayadd overlayremove", function (ev) {
        if (ev.layer && ev.layer.cmType) cm.viewLayer.refresh();
      });
      data.event_types.forEach(function (t) { groups[t.key].cmType = t.name; });
      return;
    }
    cm.layers.events.forEach(function (c) { groups[c.type.key].addLayer(c.layer); });
  }

  // The heatmap is made when its layer is first ticked.
  function addHeat(map, groups, data) {
    if (!groups.heatmap || typeof L.heatLayer !== "function") return;
    if (map.hasLayer(groups.heatmap)) makeHeat(groups, data);
    else groups.heatmap.once("add", function () { makeHeat(groups, data); });
  }

  // A period's heatmap: made again if shown, else when next ticked.
  function redrawHeat(map, groups, data) {
    if (!groups.heatmap || typeof L.heatLayer !== "function") return;
    if (map.hasLayer(groups.heatmap)) makeHeat(groups, data);
    else if (cm.layers.heatmap) {
      groups.heatmap.removeLayer(cm.layers.heatmap);
      cm.layers.heatmap = null;
      groups.heatmap.once("add", function () { makeHeat(groups, data); });
    }
  }

  function makeHeat(groups, data) {
    if (cm.layers.heatmap) groups.heatmap.removeLayer(cm.layers.heatmap);
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
    var look = layerOf(data, "statements"), color = look.colors[0];
    var icon = L.divIcon({
      html: '<div class="cm-speech" style="background:' + color +
        '"><i class="fa-solid fa-' + look.icon + '"></i></div>',
      className: "cm-event", iconSize: [24, 24], iconAnchor: [12, 24], popupAnchor: [0, -22]
    });
    var markers = [];
    groups.statements.clearLayers();
    data.statements.forEach(function (row) {
      var where = [row[0], row[1]];
      row[2].forEach(function (p) {
        L.polyline([where, p], {color: color, weight: 2, dashArray: "5 5",
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
    groups.places.clearLayers();
    if (data.places == null) {  // a big store's: asked for once the first view is drawn
      cm.placesStale = true;
      cm.layers.places = circles;
      return;
    }
    cm.places = Object.create(null);
    var color = layerOf(data, "places").colors[0];
    data.places.forEach(function (row) {
      var r = Math.min(30, 4 + 3 * Math.sqrt(row[2]));
      var c = L.circleMarker([row[0], row[1]], {
        radius: r, color: color, weight: 1, fillColor: color,
        fillOpacity: 0.3
      }).bindPopup(row[3], {maxWidth: 360, maxHeight: 320});
      c.addTo(groups.places);
      if (row[4]) cm.places[row[4]] = c;
      circles.push(c);
      bounds.push([row[0], row[1]]);
    });
    cm.layers.places = circles;
  }

  // A count's colour among the choropleth's classes (as web.layers.class_color)
  function classColor(n, data) {
    if (!n) return null;
    var colors = layerOf(data, "choropleth").colors;
    for (var i = 0; i < data.breaks.length; i++) {
      if (n <= data.breaks[i]) return colors[Math.min(i + 1, colors.length - 1)];
    }
    return colors[colors.length - 1];
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
      cm.outlines = fc;
      drawChoropleth(groups, data);
      document.body.setAttribute("data-cm-countries", String(fc.features.length));
    }).catch(function (err) {
      document.body.setAttribute("data-cm-countries", "error");
      if (window.console) console.warn(String(err));
    });
  }

  // -- place names on the basemap, offline (data.labels_url: web/map_labels.py) -----------------
  // The countries and the largest cities, each written from its zoom, in view only, the most
  // populous first, none over another; under the data, part of the countries' basemap.
  var MAX_LABELS = 160;
  function addLabels(map, groups, data) {
    if (!data.labels_url || !groups.countries) return;
    var pane = map.createPane("cm-labels");
    pane.style.zIndex = 390;
    pane.style.pointerEvents = "none";
    var layer = L.layerGroup().addTo(groups.countries), all = null;
    function label(cls, name, ll) {
      var node = el("span", cls, null, name);  // raw text: set as text
      return L.marker(ll, {pane: "cm-labels", interactive: false, keyboard: false,
        icon: L.divIcon({className: "cm-label", html: node, iconSize: null})});
    }
    function draw() {
      layer.clearLayers();
      if (!all || !map.hasLayer(groups.countries)) return;
      var z = map.getZoom(), view = map.getBounds().pad(0.05), taken = [], n = 0;
      function free(b) {
        for (var i = 0; i < taken.length; i++) {
          var t = taken[i];
          if (b[0] < t[2] && b[2] > t[0] && b[1] < t[3] && b[3] > t[1]) return false;
        }
        return true;
      }
      [["cm-label-country", all.countries, 7.5], ["cm-label-city", all.cities, 6.5]]
        .forEach(function (kind) {
          kind[1].forEach(function (r) {
            if (n >= MAX_LABELS || r[3] > z || !view.contains([r[1], r[2]])) return;
            var p = map.latLngToLayerPoint([r[1], r[2]]), w = r[0].length * kind[2] + 10;
            var city = kind[0] === "cm-label-city";
            var b = city ? [p.x - 4, p.y - 8, p.x + w, p.y + 8] :
              [p.x - w / 2, p.y - 9, p.x + w / 2, p.y + 9];
            if (!free(b)) return;
            taken.push(b);
            n++;
            layer.addLayer(label(kind[0], r[0], [r[1], r[2]]));
          });
        });
      document.body.setAttribute("data-cm-labels", String(n) + "@" + z);
    }
    whenViewDrawn(function () {
      fetch(data.labels_url, {credentials: "same-origin"}).then(function (r) {
        if (!r.ok) throw new Error("labels: HTTP " + r.status);
        return r.json();
      }).then(function (res) {
        all = res;
        draw();
        map.on("zoomend moveend", draw);
        groups.countries.on("add", draw);
      }).catch(function (err) {
        document.body.setAttribute("data-cm-labels", "error");
        if (window.console) console.warn(String(err));
      });
    });
  }

  // Mentions by country (data.counts): drawn again for each period of the timeline.
  function drawChoropleth(groups, data) {
    if (!groups.choropleth || !cm.outlines) return;
    groups.choropleth.clearLayers();
    L.geoJSON(cm.outlines, {
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

  // A link to the map's data for the page's filters and the timeline's period.
  function periodQuery(extra) {
    var q = new URLSearchParams(cm.data.query);
    var p = cm.view.period;
    if (p) { q.set("start", p[0]); q.set("end", p[1]); }
    for (var k in extra || {}) q.set(k, extra[k]);
    return q.toString();
  }

  // The legend's entry of each layer of the registry, in its order, as its legend_kind says
  // (the texts come escaped from web/layers.py).
  var LEGEND = {
    types: function (l, data) {
      var html = "";
      data.event_types.forEach(function (t) {
        html += '<div><span class="cm-swatch" style="background:' + t.color +
          '"><i class="fa-solid fa-' + t.icon + '"></i></span> ' + t.type +
          ' <span class="cm-n">' + t.count + "</span></div>";
      });
      return html + '<div><span class="cm-swatch cm-imprecise" style="background:#999"></span> ' +
        l.legend + "</div>";
    },
    swatch: function (l) {
      return '<div><span class="cm-swatch" style="background:' + l.colors[0] +
        '"><i class="fa-solid fa-' + l.icon + '"></i></span> ' + l.legend + "</div>";
    },
    circle: function (l) {
      return '<div><span class="cm-circle" style="border-color:' + l.colors[0] + '"></span> ' +
        l.legend + "</div>";
    },
    scale: function (l, data) {
      if (!data.breaks.length) return "";
      var html = '<div class="cm-scale">' + l.legend + ": ", lo = 1;
      data.breaks.forEach(function (b, i) {
        html += '<span class="cm-class" style="background:' +
          l.colors[Math.min(i + 1, l.colors.length - 1)] + '">' + lo +
          (b > lo ? "&ndash;" + b : "") + "</span>";
        lo = b + 1;
      });
      return html + "</div>";
    }
  };

  function fillLegend(box, data) {
    var html = "";
    data.layers.forEach(function (l) {
      if (l.legend_kind) html += LEGEND[l.legend_kind](l, data);
    });
    box.innerHTML = html;
    // What is counted and what is not: the events on the map out of those matching, and the
    // ones the map cannot draw (no place; no date: not in the timeline) one click away.
    var n = el("div", "cm-n cm-mapped", box);
    n.textContent = data.events_shown + " of " + data.events_matching + " matching events on the map" +
      (data.truncated ? ": narrow the dates or the area to see all" : "");
    var unplaced = data.events_matching - data.events_total;
    var undated = cm.view.period || !cm.timeline ? 0 : cm.timeline.no_date;
    if (unplaced > 0 || undated > 0) {
      var line = el("div", "cm-n cm-unlisted", box);
      var parts = [];
      if (unplaced > 0) parts.push(unplaced + " with no place");
      if (undated > 0) parts.push(undated + " with no date");
      line.appendChild(document.createTextNode(parts.join(", ") + ": "));
      var a = el("a", null, line, "list them");
      a.href = data.unlisted_url + "?" + periodQuery();
      a.target = "_top";
    }
  }

  function legend(map, data) {
    var ctl = L.control({position: "bottomright"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-legend leaflet-bar");
      quiet(box);
      box.id = "cm-legend";
      var body = el("div", "cm-legend-body");
      // folded too when the map is short (the table open): it would cover the layer list
      foldable(box, "Legend", body, map.getSize().y < SMALL_MAP);
      box.appendChild(body);
      cm.legendBox = body;
      fillLegend(body, data);
      return box;
    };
    ctl.addTo(map);
  }

  // A panel's title as a button that folds and unfolds its body; folded at first in a small
  // window (an 800x600 embed shows its data, not its panels).
  var SMALL_WINDOW = [900, 700]; // width, height in CSS pixels
  function smallWindow() {
    return window.innerWidth < SMALL_WINDOW[0] || window.innerHeight < SMALL_WINDOW[1];
  }

  function foldable(box, title, body, fold) {
    var btn = el("button", "cm-fold-head", null, title);
    btn.type = "button";
    box.insertBefore(btn, box.firstChild);
    function set(folded) {
      box.classList.toggle("cm-folded", folded);
      btn.setAttribute("aria-expanded", String(!folded));
      if (body) body.classList.toggle("cm-hidden", folded);
    }
    btn.addEventListener("click", function () { set(!box.classList.contains("cm-folded")); });
    set(!!fold || smallWindow());
    return btn;
  }

  // The layer list (Folium's LayerControl, made after this script's init) gets a title that
  // folds it.
  function foldLayers() {
    var box = document.querySelector(".leaflet-control-layers");
    if (!box || box.querySelector(".cm-fold-head")) return;
    box.id = "cm-layers";
    foldable(box, "Layers", null);
  }

  function filterControl(map, data) {
    var ctl = L.control({position: "topleft"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-filter leaflet-bar");
      quiet(box);
      var form = el("form", null, box);
      form.method = "get";
      form.setAttribute("aria-label", "Filter by date and type");
      var hidden = el("div", null, form);
      form.addEventListener("submit", function () {
        // the view's other parameters as they are now; a new range drops the period
        hidden.textContent = "";
        var params = new URLSearchParams(window.location.search);
        ["start", "end", "type", "offset", "lat", "lon", "zoom", "focus", "period"].forEach(
          function (k) { params.delete(k); });
        params.forEach(function (v, k) {
          var h = el("input", null, hidden);
          h.type = "hidden"; h.name = k; h.value = v;
        });
      });
      el("div", "cm-title", form, "Time");
      // days as the page's readers write them (jj/mm/aaaa in French), or ISO
      var row = el("div", "cm-row", form), df = data.date_form;
      var s = el("input", null, row); s.type = "text"; s.name = "start"; s.title = "from";
      var e = el("input", null, row); e.type = "text"; e.name = "end"; e.title = "to";
      [s, e].forEach(function (box) {
        box.placeholder = df.placeholder;
        box.value = df[box.name] || "";
        box.setAttribute("inputmode", "numeric");
        box.size = 10;
        box.setAttribute("aria-label", box.title + " (" + df.placeholder + ")");
      });
      var range = cm.dateRange = el("div", "cm-n cm-date-range", form);
      range.id = "cm-date-range";
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
      cm.resetSearch = function () { names = null; typed = null; };
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
      var msg = el("div", "cm-search-msg", box);
      msg.id = "cm-search-msg";
      msg.setAttribute("role", "status");
      var more = el("ul", "cm-search-more", box), asking = null;
      function local(v, prefix) {  // a place of the page: [name, lat, lon, id, shown as]
        var hit = null;
        data.search.forEach(function (s) {
          var n = folded(s[0]);
          if (!hit && (prefix ? n.indexOf(v) === 0 : n === v)) hit = s;
        });
        return hit;
      }
      function done(text) {
        input.classList.remove("cm-miss");
        cm.view.search = text;
        saveView();
        document.body.setAttribute("data-cm-search", "found");
      }
      function miss(text) {
        input.classList.add("cm-miss");
        msg.textContent = "No place named \u201C" + text + "\u201D, in the data or in the gazetteer.";
        document.body.setAttribute("data-cm-search", "missed");
      }
      // The gazetteer's places for a name (any of their names, in the map's language first).
      function ask(text) {
        var q = new URLSearchParams({q: text, lang: data.lang});
        return fetch(data.place_search_url + "?" + q.toString(), {credentials: "same-origin"})
          .then(function (r) {
            if (!r.ok) throw new Error("places: HTTP " + r.status);
            return r.json();
          });
      }
      function context(p) {  // "admin1, CC" of a gazetteer place, raw text
        return [p.admin1_name, p.country_code].filter(function (x) { return x; }).join(", ");
      }
      function showFound(p, move) {
        var map = cm.map, circle = cm.places[p.id];
        if (move) map.setView([p.lat, p.lon], Math.max(map.getZoom(), p.zoom), {animate: false});
        if (circle && cm.groups.places && map.hasLayer(cm.groups.places)) { circle.openPopup(); return; }
        var node = el("div", "cm-found");
        el("b", null, node, p.name);
        var where = context(p);
        if (where || p.feature) el("div", "cm-n", node, [p.feature, where].filter(Boolean).join(" \u00b7 "));
        if (p.matched && folded(p.matched) !== folded(p.name)) {
          el("div", "cm-n", node, "also written " + p.matched);
        }
        L.popup({autoPan: move}).setLatLng([p.lat, p.lon]).setContent(node).openOn(map);
      }
      function offer(places) {  // the other places of that name, one click each
        more.textContent = "";
        places.forEach(function (p) {
          var b = el("button", "cm-search-alt", el("li", null, more), p.name);
          b.type = "button";
          var where = context(p);
          if (where) b.appendChild(document.createTextNode(" (" + where + ")"));
          b.addEventListener("click", function () { showFound(p, true); });
        });
      }
      function go() {
        var text = input.value.trim(), v = folded(text);
        msg.textContent = "";
        more.textContent = "";
        if (!v) return;
        var hit = local(v, false);
        if (hit) {
          cm.show(hit[3], hit[1], hit[2], hit[4] || hit[0]);
          done(text);
          return;
        }
        if (asking === text) return;  // Enter, then the change event: asked once
        asking = text;
        document.body.setAttribute("data-cm-search", "asking");
        ask(text).then(function (res) {
          asking = null;
          if (input.value.trim() !== text) return;  // typed on since
          if (res.places.length) {
            showFound(res.places[0], true);
            offer(res.places.slice(1));
            done(text);
            return;
          }
          var near = local(v, true);
          if (near) { cm.show(near[3], near[1], near[2], near[4] || near[0]); done(text); return; }
          miss(text);
        }).catch(function (err) {
          asking = null;
          msg.textContent = "The search could not be done.";
          document.body.setAttribute("data-cm-search", "error");
          if (window.console) console.warn(String(err));
        });
      }
      cm.findPlace = function (text) {  // a view's search, restored: its popup, no move
        input.value = text;
        var v = folded(text), hit = local(v, false);
        cm.view.search = text;
        if (hit) {
          L.popup({autoPan: false}).setLatLng([hit[1], hit[2]])
            .setContent("<b>" + esc(hit[4] || hit[0]) + "</b>").openOn(map);
          return;
        }
        ask(text).then(function (res) {
          if (res.places.length) showFound(res.places[0], false);
        }).catch(function () { /* the view opens without it */ });
      };
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
      function exp(fmt) {
        return function () { return data.base + "/export/events." + fmt + "?" + periodQuery(); };
      }
      var links = [["Documents", data.base + "/documents"]];
      (data.export_formats || []).forEach(function (f) {
        links.push(["Events: " + f[1], exp(f[0])]);
      });
      links.push(["API (OpenAPI)", data.base + "/openapi.json"]);
      var ul = el("ul", null, panel);
      links.forEach(function (l) {
        var a = el("a", null, el("li", null, ul), l[0]);
        if (typeof l[1] === "function") viewLink(a, l[1]); else a.href = l[1];
      });
      var li = el("li", null, ul);
      li.appendChild(document.createTextNode("Snapshot of this view: "));
      snapshotLinks(li);
      el("div", "cm-credits", panel).innerHTML = data.credits;
      btn.addEventListener("click", function () { panel.classList.toggle("cm-hidden"); });
      return box;
    };
    ctl.addTo(map);
  }

  // -- the view in the URL ----------------------------------------------------------------------
  // lat, lon, zoom, period (first/last day), layers (overlays shown), types (event types shown,
  // when not all), search: history.replaceState keeps them, so a copied link opens this view.
  var DAY = /^\d{4}-\d{2}-\d{2}$/;

  function readView(data) {
    var q = new URLSearchParams(window.location.search), view = {period: null, search: "",
      types: q.has("types") ? q.getAll("types") : null};
    var p = (q.get("period") || "").split("/");
    var lo = data.filters.start || "0000-01-01", hi = data.filters.end || "9999-12-31";
    if (p.length === 2 && DAY.test(p[0]) && DAY.test(p[1]) && p[0] <= p[1] && p[1] >= lo &&
        p[0] <= hi) {
      view.period = [p[0] < lo ? lo : p[0], p[1] > hi ? hi : p[1]];
    }
    view.search = (q.get("search") || "").slice(0, 200);
    return view;
  }

  function shownTypes() {
    return cm.data.event_types.filter(function (t) {
      return cm.map.hasLayer(cm.groups[t.key]);
    }).map(function (t) { return t.name; });
  }

  function shownOverlays() {
    return cm.data.layers.map(function (l) { return l.name; }).filter(function (k) {
      if (k === "events") return shownTypes().length > 0;
      return !!cm.groups[k] && cm.map.hasLayer(cm.groups[k]);
    });
  }

  function wrapLng(x) {
    return x >= -180 && x <= 180 ? x : ((x + 180) % 360 + 360) % 360 - 180;
  }

  // The map's bounds as w,s,e,n (a box across the antimeridian has w > e); null: the world.
  function viewBox() {
    var b = cm.map.getBounds(), w = b.getWest(), e = b.getEast();
    if (e - w >= 360) return null;
    var r = function (x) { return Math.round(x * 1e4) / 1e4; };
    return [r(wrapLng(w)), r(Math.max(-90, b.getSouth())), r(wrapLng(e)),
      r(Math.min(90, b.getNorth()))];
  }

  function viewQuery() {
    var q = new URLSearchParams(window.location.search), map = cm.map, c = map.getCenter().wrap();
    q.set("lat", Math.max(-90, Math.min(90, c.lat)).toFixed(5));
    q.set("lon", c.lng.toFixed(5));
    q.set("zoom", String(Math.round(map.getZoom())));
    q.delete("focus");
    if (cm.view.period) q.set("period", cm.view.period.join("/")); else q.delete("period");
    q.set("layers", shownOverlays().join(","));
    q.delete("types");
    var types = shownTypes();
    if (types.length && types.length < cm.data.event_types.length) {
      types.forEach(function (t) { q.append("types", t); });
    }
    if (cm.view.search) q.set("search", cm.view.search); else q.delete("search");
    cm.viewParams.forEach(function (f) { f(q); });  // e.g. the events table's state
    return q.toString();
  }

  function saveView() {
    if (!cm.ready) return;
    try {
      window.history.replaceState(null, "", window.location.pathname + "?" + viewQuery());
    } catch (err) { /* too many calls at once: the next change writes it */ }
    updateLinks();
    cm.viewChanged.forEach(function (f) { f(); });
  }

  // Links that follow the view (exports, snapshots, this view): their href made again on change.
  var viewLinks = [];

  function viewLink(a, href) {
    viewLinks.push([a, href]);
    if (cm.ready) a.href = href();
  }

  function updateLinks() {
    viewLinks.forEach(function (l) { l[0].href = l[1](); });
  }

  function pageHref() {  // the full page (an embed's link opens it, not the iframe's /map)
    return cm.data.base + "/?" + viewQuery();
  }

  // The snapshot of what the map shows: the filters, the period, the map's bounds (within the
  // filter's bbox), the overlays a snapshot draws, the one event type shown when others are off.
  // The filters, the period and the map's bounds (within the filter's bbox) as one query: what
  // the view shows (the snapshot draws it, the events table lists it).
  function viewFilterQuery() {
    var q = new URLSearchParams(periodQuery()), b = viewBox();
    var f = (q.get("bbox") || "").split(",").map(Number);
    if (b && f.length === 4 && b[0] <= b[2] && f[0] <= f[2]) {
      b = [Math.max(b[0], f[0]), Math.max(b[1], f[1]), Math.min(b[2], f[2]), Math.min(b[3], f[3])];
      if (b[0] > b[2] || b[1] > b[3]) b = f;
    }
    if (b) q.set("bbox", b.join(","));
    return q;
  }

  function snapshotHref(fmt) {
    var q = viewFilterQuery();
    var layers = shownOverlays().filter(function (k) { return layerOf(cm.data, k).snapshot; });
    if (layers.length) q.set("layers", layers.join(","));
    var types = shownTypes();
    if (!q.get("type") && types.length === 1 && cm.data.event_types.length > 1) q.set("type", types[0]);
    return cm.data.snapshot_url + "." + fmt + "?" + q.toString();
  }

  function snapshotLinks(parent) {
    cm.data.snapshot_formats.forEach(function (fmt, i) {
      if (i) parent.appendChild(document.createTextNode(" "));
      var a = el("a", "cm-snapshot", parent, fmt.toUpperCase());
      a.setAttribute("download", "");
      a.setAttribute("data-format", fmt);
      viewLink(a, function () { return snapshotHref(fmt); });
    });
  }

  // -- a period of the timeline: the layers redrawn from /map/layers.json -------------------------
  // A layer's count in its label: what it draws, and out of how many when some are left out
  // (as web.maps.count_label writes it).
  function setLabelCount(prefix, n, total) {
    var text = total == null || total === n ? String(n) : n + " drawn of " + total;
    var labels = document.querySelectorAll(".leaflet-control-layers-overlays label");
    var count = /\((\d+|\d+ drawn of \d+|\u2026)\)(\s*)$/;  // "…": not counted yet
    Array.prototype.forEach.call(labels, function (l) {
      if (l.textContent.trim().indexOf(prefix) !== 0) return;
      var walk = document.createTreeWalker(l, NodeFilter.SHOW_TEXT), node, last = null;
      while ((node = walk.nextNode())) if (count.test(node.nodeValue)) last = node;
      if (last) last.nodeValue = last.nodeValue.replace(count, "(" + text + ")$2");
    });
  }

  function applyLayers(d) {
    var data = cm.data, groups = cm.groups, map = cm.map;
    if (data.by_view) d.events = data.events;  // the view's, kept until it is asked again
    expandEvents(d);
    var rows = data.by_view ? [] : rowsByType(data, d), count = Object.create(null);
    d.event_types.forEach(function (t) { count[t.name] = t.count; });
    ["events", "statements", "counts", "breaks", "events_total", "events_shown",
      "events_matching", "truncated", "popup_query", "statements_total"]
      .forEach(function (k) { data[k] = d[k]; });
    // the places mentioned come only while their layer is shown (the slowest part to count)
    cm.placesStale = d.places == null;
    if (!cm.placesStale) {
      ["places", "search", "places_total"].forEach(function (k) { data[k] = d[k]; });
    }
    var events = layerOf(data, "events").label + ": ";
    cm.layers.events.forEach(function (c, i) {
      c.type.count = count[c.type.name] || 0;
      if (c.layer.setRows) c.layer.setRows(rows[i]);
      setLabelCount(events + (c.type.name || "other") + " (", c.type.count);
    });
    if (cm.viewLayer) cm.viewLayer.refresh();  // the view's markers for the period
    data.layers.forEach(function (l) {  // the other counted layers that came with the period
      if (l.counted && l.name !== "events" && d[l.name] != null) {
        setLabelCount(l.label + " (", data[l.name].length, data[l.name + "_total"]);
      }
    });
    data.layers.forEach(function (l) {  // the other layers drawn again for the period
      if (DRAW[l.name] && DRAW[l.name].redraw) DRAW[l.name].redraw(map, groups, data);
    });
    if (cm.resetSearch) cm.resetSearch();
    if (cm.legendBox) fillLegend(cm.legendBox, data);
  }

  function loadPeriod() {
    if (cm.loading) cm.loading.abort();
    var ctl = cm.loading = new AbortController(), body = document.body;
    body.setAttribute("data-cm-loading", "1");
    var places = cm.groups.places && cm.map.hasLayer(cm.groups.places) ? {} : {places: "0"};
    return fetch(cm.data.layers_url + "?" + periodQuery(places), {credentials: "same-origin",
      signal: ctl.signal}).then(function (r) {
      if (!r.ok) throw new Error("layers: HTTP " + r.status);
      return r.json();
    }).then(function (d) {
      if (ctl !== cm.loading) return;
      applyLayers(d);
      cm.loads = (cm.loads || 0) + 1;
      body.removeAttribute("data-cm-loading");
      body.setAttribute("data-cm-period", cm.view.period ? cm.view.period.join("/") : "");
      body.setAttribute("data-cm-loads", String(cm.loads));
      if (cm.timelineLabel) cm.timelineLabel();
      saveView();
      refreshCounts();
    }).catch(function (err) {
      if (err.name === "AbortError") return;
      body.removeAttribute("data-cm-loading");
      if (cm.timelineLabel) cm.timelineLabel("could not load this period");
      if (window.console) console.warn(String(err));
    });
  }

  // An ISO day as the page's readers write it (data.date_form.format: %d, %m, %Y).
  function shownDay(iso) {
    var p = iso.split("-");
    return cm.data.date_form.format.replace("%d", p[2]).replace("%m", p[1]).replace("%Y", p[0]);
  }

  // The first and last day with events ([first, last] or null), under the time filter's boxes.
  function showDateRange(dated) {
    var box = cm.dateRange;
    if (!box) return;
    box.textContent = dated ? "Events dated " + shownDay(dated[0]) + " \u2013 " +
      shownDay(dated[1]) : "No dated event";
    box.setAttribute("data-first", dated ? dated[0] : "");
    box.setAttribute("data-last", dated ? dated[1] : "");
  }

  // -- the timeline under the map ---------------------------------------------------------------
  var SVG_NS = "http://www.w3.org/2000/svg";
  var STEP_MS = 900; // a step of the play button shows its bin this long once drawn
  var BAR_H = 48, AXIS_H = 14;

  function svgEl(tag, attrs, parent) {
    var node = document.createElementNS(SVG_NS, tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function timelineBar(map, data) {
    var box = el("div", "cm-timeline");  // under the map, above the events table
    document.body.insertBefore(box, document.getElementById("cm-table"));
    box.id = "cm-timeline";
    box.setAttribute("aria-label", "Timeline of the matching events");
    var head = el("div", "cm-tl-head", box);
    var play = el("button", "cm-tl-play", head, "\u25B6 Play");
    play.type = "button"; play.title = "step through the period, one bar at a time";
    var all = el("button", "cm-tl-all", head, "All dates");
    all.type = "button"; all.title = "show every date";
    var unit = el("select", "cm-tl-unit", head);
    unit.title = "one bar per";
    var label = el("span", "cm-tl-label", head);
    label.id = "cm-period";
    var links = el("span", "cm-tl-links", head);
    var here = el("a", null, links, "Link to this view");
    here.id = "cm-view-link"; here.target = "_top";
    viewLink(here, pageHref);
    links.appendChild(document.createTextNode(" \u00b7 Snapshot of this view: "));
    snapshotLinks(links);
    var svg = svgEl("svg", {"class": "cm-tl-chart", role: "img"}, box);
    var bins = [], bw = 1, drag = null, playing = null, resume = null;

    function range() {  // the bins of the period: [first, last] indices
      var p = cm.view.period;
      if (!p || !bins.length) return null;
      var i = 0, j = bins.length - 1;
      while (i < j && bins[i][1] < p[0]) i++;
      while (j > i && bins[j][0] > p[1]) j--;
      return [i, j];
    }

    function clip(a, b) {
      var lo = data.filters.start, hi = data.filters.end;
      return [lo && lo > a ? lo : a, hi && hi < b ? hi : b];
    }

    function markBars(current) {
      var r = range(), brush = svg.querySelector(".cm-brush");
      Array.prototype.forEach.call(svg.querySelectorAll(".cm-bar"), function (bar, i) {
        bar.classList.toggle("cm-out", !!r && (i < r[0] || i > r[1]));
        bar.classList.toggle("cm-current", current === i);
      });
      if (!brush) return;
      if (!r) { brush.setAttribute("width", 0); return; }
      brush.setAttribute("x", r[0] * bw);
      brush.setAttribute("width", (r[1] - r[0] + 1) * bw);
    }

    cm.timelineLabel = function (msg) {
      var p = cm.view.period, t = cm.timeline;
      var text = p ? (p[0] === p[1] ? p[0] : p[0] + " \u2013 " + p[1]) : "All dates";
      text += msg ? ": " + msg : ": " + data.events_matching + " events, " + data.events_shown +
        " on the map";
      if (!p && t && t.undated.events) text += ", " + t.undated.events + " with no date at all";
      label.textContent = text;
    };

    function draw() {
      var t = cm.timeline;
      bins = t.bins;
      svg.textContent = "";
      var W = svg.clientWidth || box.clientWidth || 600, n = bins.length;
      svg.setAttribute("viewBox", "0 0 " + W + " " + (BAR_H + AXIS_H));
      svg.setAttribute("aria-label", n + " bars, one per " + t.unit);
      svg.setAttribute("data-unit", t.unit);
      if (!n) {
        svgEl("text", {x: 4, y: BAR_H / 2, "class": "cm-axis"}, svg).textContent = "No dated event";
        return;
      }
      bw = W / n;
      var top = Math.max.apply(null, bins.map(function (b) { return b[2]; })) || 1;
      var gap = bw > 4 ? 1 : 0, every = Math.max(1, Math.ceil(70 / bw)), lastLabel = -every;
      bins.forEach(function (b, i) {
        var h = b[2] ? Math.max(2, Math.round(b[2] / top * (BAR_H - 4))) : 0;
        var bar = svgEl("rect", {"class": "cm-bar", x: i * bw + gap / 2, y: BAR_H - h,
          width: Math.max(1, bw - gap), height: h, "data-start": b[0], "data-end": b[1],
          "data-count": b[2], "data-fatalities": b[3]}, svg);
        svgEl("title", {}, bar).textContent = (b[0] === b[1] ? b[0] : b[0] + " \u2013 " + b[1]) +
          ": " + b[2] + " event" + (b[2] === 1 ? "" : "s") + ", " + b[3] + " killed";
        // a label where the year (or, for days and weeks, the month) changes, spaced out
        var key = t.unit === "day" || t.unit === "week" ? b[0].slice(0, 7) : b[0].slice(0, 4);
        var prev = i ? (t.unit === "day" || t.unit === "week" ? bins[i - 1][0].slice(0, 7) :
          bins[i - 1][0].slice(0, 4)) : null;
        if ((i === 0 || key !== prev) && i - lastLabel >= every) {
          lastLabel = i;
          svgEl("line", {x1: i * bw, x2: i * bw, y1: BAR_H, y2: BAR_H + 4, "class": "cm-tick"}, svg);
          svgEl("text", {x: i * bw + 2, y: BAR_H + AXIS_H - 2, "class": "cm-axis"}, svg)
            .textContent = key;
        }
      });
      svgEl("line", {x1: 0, x2: W, y1: BAR_H, y2: BAR_H, "class": "cm-tick"}, svg);
      svgEl("rect", {"class": "cm-brush", x: 0, y: 0, width: 0, height: BAR_H}, svg);
      markBars(playing ? playing.cur : null);
    }

    function at(ev) {
      var x = ev.clientX - svg.getBoundingClientRect().left;
      return Math.max(0, Math.min(bins.length - 1, Math.floor(x / bw)));
    }

    function choose(i, j) {  // the period of bins i..j (every bin: every date)
      stop(); resume = null;
      cm.view.period = i === 0 && j === bins.length - 1 ? null : clip(bins[i][0], bins[j][1]);
      markBars(null);
      return loadPeriod();
    }
    cm.choose = choose;

    svg.addEventListener("pointerdown", function (ev) {
      if (!bins.length || ev.button !== 0) return;
      drag = at(ev);
      svg.setPointerCapture(ev.pointerId);
      var brush = svg.querySelector(".cm-brush");
      brush.setAttribute("x", drag * bw); brush.setAttribute("width", bw);
    });
    svg.addEventListener("pointermove", function (ev) {
      if (drag === null) return;
      var i = at(ev), brush = svg.querySelector(".cm-brush");
      brush.setAttribute("x", Math.min(drag, i) * bw);
      brush.setAttribute("width", (Math.abs(i - drag) + 1) * bw);
    });
    svg.addEventListener("pointerup", function (ev) {
      if (drag === null) return;
      var i = at(ev), a = Math.min(drag, i), b = Math.max(drag, i);
      drag = null;
      choose(a, b);
    });

    // The keyboard: arrows move the period by one bar, with Shift they stretch it; Home and
    // End go to the first and last bar; Escape shows every date.
    svg.setAttribute("tabindex", "0");
    svg.addEventListener("keydown", function (ev) {
      var n = bins.length, r = range();
      if (!n) return;
      var i = r ? r[0] : -1, j = r ? r[1] : -1, d = 0;
      if (ev.key === "ArrowLeft") d = -1;
      else if (ev.key === "ArrowRight") d = 1;
      else if (ev.key === "Home") { i = j = 0; }
      else if (ev.key === "End") { i = j = n - 1; }
      else if (ev.key === "Escape") { i = 0; j = n - 1; }
      else return;
      ev.preventDefault();
      if (d && !r) { i = j = d > 0 ? 0 : n - 1; }
      else if (d && ev.shiftKey) { j = Math.max(i, Math.min(n - 1, j + d)); }
      else if (d) {
        if (i + d < 0 || j + d > n - 1) return;
        i += d; j += d;
      }
      choose(i, j);
    });

    function stop() {
      if (!playing) return;
      clearTimeout(playing.timer);
      resume = playing;
      playing = null;
      play.textContent = "\u25B6 Play";
    }

    function step() {
      if (!playing) return;
      if (playing.cur > playing.range[1]) {  // done: back to the whole period
        var saved = playing.saved;
        stop(); resume = null;
        cm.view.period = saved;
        markBars(null);
        loadPeriod();
        return;
      }
      var b = bins[playing.cur], run = playing;
      cm.view.period = clip(b[0], b[1]);
      markBars(playing.cur);
      loadPeriod().then(function () {
        if (playing !== run) return;
        run.cur++;
        run.timer = setTimeout(step, STEP_MS);
      });
    }

    play.addEventListener("click", function () {
      if (playing) { stop(); return; }
      if (!bins.length) return;
      var p = cm.view.period;
      if (resume && p && resume.cur <= resume.range[1] &&
          p[0] === clip(bins[resume.cur][0], bins[resume.cur][1])[0]) {
        playing = resume;  // go on from the bar it stopped at
      } else {
        playing = {range: range() || [0, bins.length - 1], saved: p};
        playing.cur = playing.range[0];
      }
      resume = null;
      play.textContent = "\u275A\u275A Pause";
      step();
    });
    all.addEventListener("click", function () { choose(0, bins.length - 1); });

    function load(u) {
      var q = new URLSearchParams(data.query);
      if (u) q.set("unit", u);
      return fetch(data.timeline_url + "?" + q.toString(), {credentials: "same-origin"})
        .then(function (r) {
          if (!r.ok) throw new Error("timeline: HTTP " + r.status);
          return r.json();
        }).then(function (t) {
          cm.timeline = t;
          unit.textContent = "";
          t.units.forEach(function (name) {
            var o = el("option", null, unit, "by " + name);
            o.value = name;
            if (name === t.unit) o.selected = true;
          });
          draw();
          cm.timelineLabel();
          if (t.dated !== undefined && !u) showDateRange(t.dated);
          if (cm.legendBox) fillLegend(cm.legendBox, data);
          document.body.setAttribute("data-cm-timeline", String(t.bins.length));
        }).catch(function (err) {
          label.textContent = "The timeline could not be loaded.";
          if (window.console) console.warn(String(err));
        });
    }
    unit.addEventListener("change", function () { stop(); load(unit.value); });
    window.addEventListener("resize", function () { if (cm.timeline) draw(); });
    whenViewDrawn(function () { load(null); });
  }

  // -- events and fatalities by country, for the view -------------------------------------------
  var SMALL_MAP = 600; // map pixels high: below (an 800x600 embed), the panel starts folded
  function countsPanel(map, data) {
    var ctl = L.control({position: "bottomleft"});
    ctl.onAdd = function () {
      var box = L.DomUtil.create("div", "cm-counts leaflet-bar");
      quiet(box);
      box.id = "cm-counts";
      var btn = el("button", "cm-title", box, "Events by country in view");
      btn.type = "button";
      btn.setAttribute("aria-expanded", "true");
      var body = cm.countsBody = el("div", "cm-counts-body", box);
      if (map.getSize().y < SMALL_MAP) {  // a small embed shows its data first
        body.classList.add("cm-hidden");
        btn.setAttribute("aria-expanded", "false");
      }
      btn.addEventListener("click", function () {
        var hidden = body.classList.toggle("cm-hidden");
        btn.setAttribute("aria-expanded", String(!hidden));
      });
      return box;
    };
    ctl.addTo(map);
    var timer = null;
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(refreshCounts, 250);
    });
  }

  // The map filtered to a country: its place in the store, else its outline's bounds.
  function countryHref(row) {
    var q = new URLSearchParams(window.location.search);
    ["lat", "lon", "zoom", "focus", "search"].forEach(function (k) { q.delete(k); });
    if (row.place) q.set("place", row.place);
    else if (row.bbox) q.set("bbox", row.bbox.join(","));
    else return null;
    return window.location.pathname + "?" + q.toString();
  }

  function refreshCounts() {
    var body = cm.countsBody;
    if (!body) return;
    if (cm.countsLoading) cm.countsLoading.abort();
    var ctl = cm.countsLoading = new AbortController(), b = viewBox();
    fetch(cm.data.country_counts_url + "?" + periodQuery(b ? {view: b.join(",")} : {}),
      {credentials: "same-origin", signal: ctl.signal}).then(function (r) {
      if (!r.ok) throw new Error("counts: HTTP " + r.status);
      return r.json();
    }).then(function (res) {
      body.textContent = "";
      el("div", "cm-counts-total", body, res.events + " events, " + res.fatalities + " killed");
      var table = el("table", null, body), head = el("tr", null, el("thead", null, table));
      ["Country", "Events", "Killed"].forEach(function (h) { el("th", null, head, h); });
      var tbody = el("tbody", null, table);
      res.countries.forEach(function (row) {
        var tr = el("tr", "cm-country", tbody), td = el("td", null, tr), href = countryHref(row);
        var subs = (row.divisions || []).map(function (d) {
          var sub = el("tr", "cm-division cm-hidden", null), cell = el("td", null, sub);
          var h = countryHref({place: d.place});
          if (h) {
            var a = el("a", null, cell, d.name);
            a.href = h; a.target = "_top"; a.title = "show only " + d.name;
          } else cell.textContent = d.name;
          el("td", "cm-num", sub, String(d.events));
          el("td", "cm-num", sub, String(d.fatalities));
          return sub;
        });
        if (subs.length) {  // the country's first-level divisions, folded
          var more = el("button", "cm-fold", td, "\u25B8");
          more.type = "button"; more.title = "by first-level division";
          more.setAttribute("aria-expanded", "false");
          more.addEventListener("click", function () {
            var open = more.getAttribute("aria-expanded") !== "true";
            more.setAttribute("aria-expanded", String(open));
            more.textContent = open ? "\u25BE" : "\u25B8";
            subs.forEach(function (sub) { sub.classList.toggle("cm-hidden", !open); });
          });
        }
        if (href) {
          var a = el("a", null, td, row.name);
          a.href = href; a.target = "_top"; a.title = "show only " + row.name;
        } else td.appendChild(document.createTextNode(row.name));
        tr.setAttribute("data-iso", row.iso || "");
        el("td", "cm-num", tr, String(row.events));
        el("td", "cm-num", tr, String(row.fatalities));
        subs.forEach(function (sub) { tbody.appendChild(sub); });
      });
      if (res.unplaced) {
        var tr = el("tr", "cm-unplaced", tbody), a = el("a", null, el("td", null, tr), "no place");
        a.href = cm.data.unlisted_url + "?" + periodQuery() + "#no-place"; a.target = "_top";
        el("td", "cm-num", tr, String(res.unplaced.events));
        el("td", "cm-num", tr, String(res.unplaced.fatalities));
      }
      document.body.setAttribute("data-cm-counts", String(res.events) + "@" + (b || "world"));
    }).catch(function (err) {
      if (err.name === "AbortError") return;
      body.textContent = "Could not count the events of this view.";
      if (window.console) console.warn(String(err));
    });
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

  // The popup of the events of type `typeName` at a place (the events table's rows lead here):
  // its marker's when the marker stands alone in the view, else a popup at the place with the
  // same content (written in the page, or fetched as a marker's is).
  cm.openEvents = function (typeName, placeId, lat, lon) {
    var map = cm.map, c = null, row = null;
    (cm.layers.events || []).forEach(function (x) { if (x.type.name === typeName) c = x; });
    if (c) {
      c.layer.rows.forEach(function (r) {
        if (!row && (placeId ? r[6] === placeId :
          Math.abs(r[0] - lat) < 1e-5 && Math.abs(r[1] - lon) < 1e-5)) row = r;
      });
    }
    if (c && row && c.layer._fg) {
      for (var k in c.layer._shown) {
        var mk = c.layer._shown[k];
        if (mk.cmRow === row) {
          if (mk.getPopup()) mk.openPopup(); else c.layer._click({layer: mk});
          return mk;
        }
      }
    }
    var at = row ? [row[0], row[1]] : [lat, lon];
    var popup = L.popup({maxWidth: 360, maxHeight: 320}).setLatLng(at);
    if (row && row[4] != null) return popup.setContent(row[4]).openOn(map);
    popup.setContent("Loading\u2026").openOn(map);
    var q = new URLSearchParams(cm.data.popup_query);
    q.set("type", typeName);
    if (placeId) q.set("place", placeId);
    fetch(cm.data.popup_url + "?" + q.toString(), {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (html) { popup.setContent(html); }).catch(function () {
      popup.setContent("Could not load these events.");
    });
    return popup;
  };

  // The server sends each position once; a row per event group is
  // [lat, lon, type, count, popup HTML or null, imprecise, place id].
  function expandEvents(data) {
    if (data.by_view) return;  // a big store's page holds the view's markers only
    var at = data.event_places || [];
    data.events = data.events.map(function (r) {
      var p = at[r[0]];
      return [p[0], p[1], r[1], r[2], r.length > 4 ? r[4] : null, r[3], p[2]];
    });
  }

  // The app's title and navigation bar above the map (the full page, not an embed).
  function navBar(data) {
    if (!data.nav) return;
    var bar = el("header", "cm-nav");
    bar.id = "cm-nav";
    var brand = el("a", "cm-brand", bar, data.nav.title);
    brand.href = data.base + "/";
    el("span", "cm-tagline", bar, data.nav.tagline);
    var nav = el("nav", null, bar);
    nav.setAttribute("aria-label", "Main");
    data.nav.links.forEach(function (l) {
      var a = el("a", null, nav, l[0]);
      a.href = data.base + l[1];
      if (l[1] === "/") a.setAttribute("aria-current", "page");
    });
    document.body.insertBefore(bar, document.body.firstChild);
    document.body.classList.add("cm-with-nav");
  }

  // How the page draws each layer of the registry (web/layers.py), by name: draw(map, the
  // feature groups, the data, the positions drawn, which the map fits) when the page opens,
  // redraw(map, groups, data) for a period of the timeline (applyLayers).
  var DRAW = {
    events: {draw: addEvents},  // a period's rows are set on each type's layer (applyLayers)
    statements: {
      draw: function (map, groups, data, bounds) { addStatements(groups, data, bounds); },
      redraw: function (map, groups, data) { addStatements(groups, data, []); }
    },
    places: {
      draw: function (map, groups, data, bounds) { addPlaces(groups, data, bounds); },
      // left out of a period while hidden: asked for when shown
      redraw: function (map, groups, data) { if (!cm.placesStale) addPlaces(groups, data, []); }
    },
    heatmap: {draw: addHeat, redraw: redrawHeat},
    choropleth: {
      draw: function () {},  // on the country outlines once fetched (addCountries)
      redraw: function (map, groups, data) { drawChoropleth(groups, data); }
    }
  };

  cm.init = function (map, groups, data) {
    expandEvents(data);
    cm.map = map;
    cm.groups = groups;
    cm.data = data;
    cm.view = readView(data);
    // the timeline takes the bottom of the page, the title and navigation bar its top: the map
    // is sized before it is fitted
    document.body.classList.add("cm-with-timeline");
    navBar(data);
    if (window.conflictmapTable) {  // the events table (web/static/conflictmap_table.js)
      cm.util = {el: el, viewFilterQuery: viewFilterQuery, periodQuery: periodQuery,
        shownTypes: shownTypes, saveView: saveView};
      window.conflictmapTable(cm);
    }
    var c0 = map.getCenter(), z0 = map.getZoom();
    map.invalidateSize({animate: false, pan: false});
    map.setView(c0, z0, {animate: false});  // the centre the page was opened at, exactly
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    map.attributionControl.addAttribution(data.credits);
    // Fit the events; statements or places only when there is no event (a country's
    // centroid among the places would zoom the map out to the world).
    var bounds = [];
    mark("cm-init");
    addCountries(map, groups, data);
    data.layers.forEach(function (l) {  // in the registry's order (web/layers.py)
      var drawn = [];
      if (!DRAW[l.name]) {  // declared with no drawing function here: the others still drawn
        if (window.console) console.warn("no drawing function for the layer " + l.name);
        return;
      }
      DRAW[l.name].draw(map, groups, data, drawn);
      if (l.fits && !bounds.length) bounds = drawn;
    });
    addLabels(map, groups, data);
    mark("cm-layers");
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
    countsPanel(map, data);
    timelineBar(map, data);
    mark("cm-controls");
    if (cm.view.types) {  // the event types of the view (the others unticked)
      data.event_types.forEach(function (t) {
        if (cm.view.types.indexOf(t.name) < 0) map.removeLayer(groups[t.key]);
      });
    }
    if (cm.viewLayer && cm.view.types) cm.viewLayer.refresh();  // the types of the view only
    if (data.focus && cm.places[data.focus] && map.hasLayer(groups.places)) {
      cm.places[data.focus].openPopup();
    }
    if (cm.view.search) cm.findPlace(cm.view.search);
    cm.ready = true;
    updateLinks();
    cm.viewChanged.forEach(function (f) { f(); });
    whenViewDrawn(function () {
      if (cm.view.period || (cm.placesStale && map.hasLayer(groups.places))) loadPeriod();
      else refreshCounts();
    });
    map.on("moveend overlayadd overlayremove", saveView);
    if (groups.places) {  // places left out of a period while hidden: asked for when shown
      groups.places.on("add", function () { if (cm.placesStale) loadPeriod(); });
    }
    setTimeout(foldLayers, 0);
    document.body.setAttribute("data-cm-ready", "1");
  };

  window.conflictmap = cm;
})();
