/* Interactive money-flow graph of a trace (no library, no CDN): force layout in SVG,
   drag to pan, wheel to zoom, click a node to show its neighbours, click a flow to list
   its transactions in the side panel. Data: the run's graph.json (data-src). */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";

  function el(name, attrs, parent) {
    var e = document.createElementNS(NS, name);
    for (var k in attrs) { if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]); }
    if (parent) parent.appendChild(e);
    return e;
  }

  function fmt(v) { return Number(v).toLocaleString(undefined, {maximumFractionDigits: 0}); }

  function init(svg) {
    fetch(svg.dataset.src, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      draw(svg, data);
    });
  }

  function draw(svg, data) {
    var W = svg.clientWidth || 900, H = svg.clientHeight || 560;
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    var defs = el("defs", {}, svg);
    var marker = el("marker", {id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "7", markerHeight: "7", orient: "auto-start-reverse"}, defs);
    el("path", {d: "M0,0 L10,5 L0,10 z", "class": "flow-arrow"}, marker);
    var view = el("g", {"class": "viewport"}, svg);
    var edgeLayer = el("g", {}, view), nodeLayer = el("g", {}, view);
    var nodes = {}, maxSum = 1;
    data.nodes.forEach(function (n, i) {
      var hop = n.hop == null ? 3 : n.hop;
      nodes[n.key] = {d: n, x: W / 2 + (hop * 140) * (i % 2 ? 1 : -1) * 0.5 + Math.cos(i) * 60, y: H / 2 + Math.sin(i * 1.7) * 160,
                      vx: 0, vy: 0, visible: hop <= 2 || n.seed, adj: []};
    });
    data.edges.forEach(function (e) {
      maxSum = Math.max(maxSum, Number(e.sum));
      if (nodes[e.source] && nodes[e.target]) { nodes[e.source].adj.push(e.target); nodes[e.target].adj.push(e.source); }
    });
    (data.paths || []).forEach(function (p) { p.nodes.forEach(function (k) { if (nodes[k]) nodes[k].visible = true; }); });

    var panel = document.getElementById("flow-panel");
    var shapes = [];

    function render() {
      edgeLayer.textContent = ""; nodeLayer.textContent = ""; shapes = [];
      data.edges.forEach(function (e) {
        var s = nodes[e.source], t = nodes[e.target];
        if (!s || !t || !s.visible || !t.visible) return;
        var w = 1 + 9 * Math.sqrt(Number(e.sum) / maxSum);
        var line = el("line", {"class": "flow-edge", "stroke-width": w.toFixed(1), "marker-end": "url(#arrow)", tabindex: "0"}, edgeLayer);
        var title = el("title", {}, line);
        title.textContent = (s.d.label || e.source) + " \u2192 " + (t.d.label || e.target) + ": " + e.count + " tx, " + fmt(e.sum) + " " + data.currency;
        line.addEventListener("click", function (ev) { ev.stopPropagation(); showEdge(e, line); });
        line.addEventListener("keydown", function (ev) { if (ev.key === "Enter") showEdge(e, line); });
        shapes.push({line: line, s: s, t: t});
      });
      Object.keys(nodes).forEach(function (k) {
        var n = nodes[k];
        if (!n.visible) return;
        var hidden = n.adj.filter(function (a) { return !nodes[a].visible; }).length;
        var g = el("g", {"class": "flow-gnode" + (n.d.seed ? " seed" : "") + (n.d.stopped ? " stopped" : "") + (n.d.kind === "outside" ? " outside" : ""), tabindex: "0"}, nodeLayer);
        el("circle", {r: n.d.seed ? 11 : 8}, g);
        var label = el("text", {x: 12, y: 4}, g);
        label.textContent = (n.d.label || k).slice(0, 32) + (hidden ? "  (+" + hidden + ")" : "");
        var tip = el("title", {}, g);
        tip.textContent = (n.d.label || k) + "\nin " + fmt(n.d["in"]) + " / out " + fmt(n.d.out) + (n.d.stopped ? "\nnot followed (many transactions)" : "") + (hidden ? "\nclick to show " + hidden + " more" : "");
        g.addEventListener("click", function (ev) { ev.stopPropagation(); expand(n); });
        g.addEventListener("mousedown", function (ev) { ev.stopPropagation(); dragNode = n; });
        n.g = g;
      });
      position();
    }

    function expand(n) {
      n.adj.forEach(function (a) { if (!nodes[a].visible) { nodes[a].visible = true; nodes[a].x = n.x + (Math.random() - 0.5) * 80; nodes[a].y = n.y + (Math.random() - 0.5) * 80; } });
      render(); settle(120);
    }

    function showEdge(e, line) {
      shapes.forEach(function (s) { s.line.classList.remove("selected"); });
      line.classList.add("selected");
      var url = data.edge_url + "?fragment=1&source=" + encodeURIComponent(e.source) + "&target=" + encodeURIComponent(e.target);
      panel.textContent = "Loading\u2026";
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.text(); }).then(function (html) {
        var doc = new DOMParser().parseFromString(html, "text/html");
        panel.textContent = "";
        Array.prototype.forEach.call(doc.body.childNodes, function (c) { panel.appendChild(document.importNode(c, true)); });
      });
    }

    function position() {
      shapes.forEach(function (s) {
        var dx = s.t.x - s.s.x, dy = s.t.y - s.s.y, len = Math.sqrt(dx * dx + dy * dy) || 1, r = s.t.d.seed ? 13 : 10;
        s.line.setAttribute("x1", s.s.x.toFixed(1)); s.line.setAttribute("y1", s.s.y.toFixed(1));
        s.line.setAttribute("x2", (s.t.x - dx / len * r).toFixed(1)); s.line.setAttribute("y2", (s.t.y - dy / len * r).toFixed(1));
      });
      Object.keys(nodes).forEach(function (k) { var n = nodes[k]; if (n.visible && n.g) n.g.setAttribute("transform", "translate(" + n.x.toFixed(1) + "," + n.y.toFixed(1) + ")"); });
    }

    function step() {
      var vis = Object.keys(nodes).map(function (k) { return nodes[k]; }).filter(function (n) { return n.visible; });
      for (var i = 0; i < vis.length; i++) {
        for (var j = i + 1; j < vis.length; j++) {
          var a = vis[i], b = vis[j], dx = a.x - b.x, dy = a.y - b.y, d2 = dx * dx + dy * dy + 0.01, f = 2200 / d2;
          a.vx += dx * f / Math.sqrt(d2); a.vy += dy * f / Math.sqrt(d2); b.vx -= dx * f / Math.sqrt(d2); b.vy -= dy * f / Math.sqrt(d2);
        }
      }
      shapes.forEach(function (s) {
        var dx = s.t.x - s.s.x, dy = s.t.y - s.s.y, d = Math.sqrt(dx * dx + dy * dy) || 1, f = (d - 130) * 0.02;
        s.s.vx += dx / d * f; s.s.vy += dy / d * f; s.t.vx -= dx / d * f; s.t.vy -= dy / d * f;
        s.t.vx += 0.6; s.s.vx -= 0.6;  /* money flows left to right */
      });
      vis.forEach(function (n) {
        n.vx += (W / 2 - n.x) * 0.002; n.vy += (H / 2 - n.y) * 0.004;
        if (n !== dragNode) { n.x += Math.max(-20, Math.min(20, n.vx)); n.y += Math.max(-20, Math.min(20, n.vy)); }
        n.vx *= 0.6; n.vy *= 0.6;
      });
    }

    function settle(n) {
      var i = 0;
      (function tick() { step(); position(); if (++i < n) window.requestAnimationFrame(tick); })();
    }

    /* pan and zoom */
    var tx = 0, ty = 0, scale = 1, panning = null, dragNode = null;
    function applyView() { view.setAttribute("transform", "translate(" + tx + "," + ty + ") scale(" + scale + ")"); }
    function toLocal(ev) {
      var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
      var p = pt.matrixTransform(svg.getScreenCTM().inverse());
      return {x: (p.x - tx) / scale, y: (p.y - ty) / scale, sx: p.x, sy: p.y};
    }
    svg.addEventListener("wheel", function (ev) {
      ev.preventDefault();
      var p = toLocal(ev), k = ev.deltaY < 0 ? 1.15 : 1 / 1.15;
      scale = Math.max(0.2, Math.min(5, scale * k));
      tx = p.sx - p.x * scale; ty = p.sy - p.y * scale; applyView();
    }, {passive: false});
    svg.addEventListener("mousedown", function (ev) { var p = toLocal(ev); panning = {x: p.sx - tx, y: p.sy - ty}; });
    window.addEventListener("mousemove", function (ev) {
      if (dragNode) { var p = toLocal(ev); dragNode.x = p.x; dragNode.y = p.y; position(); }
      else if (panning) { var q = toLocal(ev); tx = q.sx - panning.x; ty = q.sy - panning.y; applyView(); }
    });
    window.addEventListener("mouseup", function () { panning = null; dragNode = null; });

    render(); settle(220);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var svg = document.getElementById("flow-graph");
    if (svg) init(svg);
  });
})();
