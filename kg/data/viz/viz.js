/* The kg graph page (kg/data/viz/graph.html.j2): network, filters, search, details panel.
 * Article text is data, never markup: every piece of text is set with textContent or
 * createTextNode, never innerHTML. window.kgViz exposes the state for tests and benchmarks. */
(function () {
  "use strict";
  var timings = { start: performance.now() };

  function readJson(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  var kg = readJson("kg-data");
  var nodeList = readJson("kg-nodes");
  var edgeList = readJson("kg-edges");
  var options = readJson("kg-options");
  var typeStyle = {};
  var relStyle = {};
  kg.types.forEach(function (t) { typeStyle[t.key] = t; });
  kg.relations.forEach(function (r) { relStyle[r.key] = r; });

  function el(tag, text, className) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (className) e.className = className;
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function tip(text) { // vis shows element titles as they are: a plain-text element is never markup
    var e = el("div", text);
    e.style.whiteSpace = "pre-line";
    return e;
  }

  function edgeName(info) {
    var label = relStyle[info.relation] ? relStyle[info.relation].label : info.relation;
    return info.title ? label + "（" + info.title + "）" : label;
  }

  // node labels are drawn by placeLabels (below), edge labels only for the selected entity's
  // relations: vis-network gets neither, the page keeps them as kgLabel
  nodeList.forEach(function (n) {
    var d = kg.details[n.id];
    n.title = tip(d.name + "\n" + (typeStyle[d.type] ? typeStyle[d.type].label : d.type));
    n.kgLabel = n.label;
    delete n.label;
  });
  edgeList.forEach(function (e) {
    e.title = tip(edgeName(kg.edges[e.id]));
    e.kgLabel = e.label;
    delete e.label;
  });
  var listed = kg.listed || [];
  var leftOut = kg.leftOut || {};

  // sizes (and label sizes) grow with the log of the degree: hubs stand out, yet the many nodes
  // of middling degree still get labels large enough to read in the overview
  options.nodes.scaling.customScalingFunction = function (min, max, total, value) {
    return max === min ? 0.5 : Math.log(1 + value - min) / Math.log(1 + max - min);
  };

  timings.parsed = performance.now();
  var nodes = new vis.DataSet(nodeList);
  var edges = new vis.DataSet(edgeList);
  var container = document.getElementById("network");
  var panel = document.getElementById("panel");
  var loading = document.getElementById("loading");
  var state = {
    nodes: nodes,
    edges: edges,
    network: null,
    ready: false,
    stabilizedAt: null,
    iterations: 0,
    focused: null,
    shown: null,
    timings: timings,
    labels: [],
    labelScale: {},
    focusNode: focusNode,
    showNode: showNode,
    showEdge: showEdge,
    labelBoxes: labelBoxes,
  };
  window.kgViz = state;

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  state.network = network;
  timings.network = performance.now();

  // -- layout: a bounded number of stabilisation iterations, then physics off ------------------

  // -- labels: each drawn from the zoom on which it overlaps no label ranked before it ------------
  //
  // A label keeps its size in screen pixels (12-18 px by degree) while zooming moves entities
  // apart, so two labels overlap only below some zoom. Ranked selected entity, its neighbours,
  // then by degree, each label gets the smallest zoom from which it overlaps none of the labels
  // ranked before it that are drawn at that zoom, and covers none of their nodes: hubs are named
  // in the overview, the others appear as one zooms in (and show their name on hover), and no
  // two drawn labels overlap.

  var LABEL_MIN_PX = 12;
  var LABEL_MAX_PX = 18;
  var LABEL_GAP = 2; // pixels between a node and its label
  var LABEL_PAD = 3; // pixels kept free between two labels
  var LABELLED_MAX = 1500; // labels placed (pairwise, so quadratic); the rest: on hover or selection
  var fontFace = options.nodes.font.face;
  var measure = document.createElement("canvas").getContext("2d");
  var labelOf = {};
  (function () {
    var degrees = {};
    nodeList.forEach(function (n) { degrees[n.id] = 0; });
    edgeList.forEach(function (e) { degrees[e.from] += 1; degrees[e.to] += 1; });
    var values = nodeList.map(function (n) { return degrees[n.id]; });
    var lo = Math.min.apply(null, values.concat([0]));
    var hi = Math.max.apply(null, values.concat([0]));
    nodeList.forEach(function (n) {
      var rel = hi === lo ? 0 : Math.log(1 + degrees[n.id] - lo) / Math.log(1 + hi - lo);
      var px = Math.round(LABEL_MIN_PX + rel * (LABEL_MAX_PX - LABEL_MIN_PX));
      var font = (px >= 16 ? "bold " : "") + px + "px " + fontFace;
      measure.font = font;
      labelOf[n.id] = {
        text: n.kgLabel || "", font: font, px: px, degree: degrees[n.id],
        w: Math.ceil(measure.measureText(n.kgLabel || "").width) + 2, h: Math.ceil(px * 1.3),
      };
    });
  })();
  var labelOrder = [];

  function labelAnchors(ids, boxes) { // canvas point under each node where its label hangs
    var positions = network.getPositions(ids);
    var out = {};
    ids.forEach(function (id) {
      var box = network.getBoundingBox(id);
      var p = positions[id];
      boxes[id] = box || { left: p.x, right: p.x, top: p.y, bottom: p.y };
      out[id] = { x: p.x, y: boxes[id].bottom };
    });
    return out;
  }

  function overNode(a, p, box) { // zoom below which label `a` hanging at `p` may cover node `box`
    // label: x in [p.x*s - w/2, p.x*s + w/2], y in [p.y*s + gap, p.y*s + gap + h] (pixels);
    // node: [left*s, right*s] x [top*s, bottom*s]. Overlap for s in (lo, hi); 0 if never.
    function below(c, d) { return c > 0 ? d / c : Infinity; } // s*c < d holds for s < this
    var hi = Math.min(below(box.left - p.x, a.w / 2), below(p.x - box.right, a.w / 2),
      below(box.top - p.y, LABEL_GAP + a.h));
    var c = box.bottom - p.y;
    if (c <= 0) return 0;
    var lo = LABEL_GAP / c;
    return lo < hi ? hi : 0;
  }

  function placeLabels() { // the zoom from which each shown entity's label is drawn
    var selected = network.getSelectedNodes();
    var first = {};
    selected.forEach(function (id) {
      first[id] = 2;
      network.getConnectedNodes(id).forEach(function (other) { if (!first[other]) first[other] = 1; });
    });
    var ids = nodes.getIds({ filter: function (n) { return !n.hidden; } });
    ids.sort(function (a, b) {
      return (first[b] || 0) - (first[a] || 0) || labelOf[b].degree - labelOf[a].degree || (a < b ? -1 : a > b ? 1 : 0);
    });
    var nodeBox = {};
    var anchor = labelAnchors(ids, nodeBox);
    var scale = {};
    ids.slice(LABELLED_MAX).forEach(function (id) { scale[id] = Infinity; });
    ids = ids.slice(0, LABELLED_MAX);
    for (var i = 0; i < ids.length; i++) {
      var a = labelOf[ids[i]];
      var p = anchor[ids[i]];
      var need = 0;
      for (var j = 0; j < i; j++) {
        var b = labelOf[ids[j]];
        var q = anchor[ids[j]];
        var dx = Math.abs(p.x - q.x);
        var dy = Math.abs(p.y - q.y);
        var sx = dx > 0 ? ((a.w + b.w) / 2 + LABEL_PAD) / dx : Infinity;
        var sy = dy > 0 ? ((a.h + b.h) / 2 + LABEL_PAD) / dy : Infinity;
        var apart = Math.min(sx, sy); // from this zoom on, the two labels do not overlap
        if (apart > scale[ids[j]] && apart > need) need = apart;
        var clear = overNode(a, p, nodeBox[ids[j]]); // nor does the label cover the better ranked node
        if (clear > need) need = clear;
      }
      scale[ids[i]] = need;
    }
    labelOrder = ids;
    state.labelOrder = ids;
    state.labelScale = scale;
    state.labelAnchor = anchor;
  }

  function labelBoxes(all) { // screen boxes of the labels drawn at the current zoom (all: every label)
    var zoom = network.getScale();
    var boxes = [];
    labelOrder.forEach(function (id) {
      if (!all && !(state.labelScale[id] <= zoom)) return;
      var l = labelOf[id];
      var p = network.canvasToDOM(state.labelAnchor[id]);
      boxes.push({ id: id, text: l.text, font: l.font, x: p.x - l.w / 2, y: p.y + LABEL_GAP, w: l.w, h: l.h });
    });
    return boxes;
  }

  network.on("afterDrawing", function (ctx) {
    if (!state.labelAnchor) return;
    var boxes = labelBoxes(false);
    var ratio = network.canvas.pixelRatio || 1;
    var selected = {};
    network.getSelectedNodes().forEach(function (id) { selected[id] = true; });
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineJoin = "round";
    boxes.forEach(function (b) {
      ctx.font = b.font;
      ctx.lineWidth = 3;
      ctx.strokeStyle = "#ffffff";
      ctx.fillStyle = selected[b.id] ? "#000000" : "#222222";
      var x = b.x + b.w / 2;
      var y = b.y + b.h / 2;
      ctx.strokeText(b.text, x, y);
      ctx.fillText(b.text, x, y);
    });
    ctx.restore();
    state.labels = boxes;
  });

  function relabel() { placeLabels(); network.redraw(); }

  function edgeLabels(nodeIds) { // relation names on the selected entity's edges only
    var want = {};
    nodeIds.forEach(function (id) { network.getConnectedEdges(id).forEach(function (e) { want[e] = true; }); });
    var updates = [];
    edges.forEach(function (e) {
      var label = want[e.id] && e.kgLabel ? e.kgLabel : "";
      if ((e.label || "") !== label) updates.push({ id: e.id, label: label });
    });
    edges.update(updates);
  }

  network.on("select", function (p) { edgeLabels(p.nodes); relabel(); });
  network.on("dragEnd", function (p) { if (p.nodes.length) relabel(); });

  function settled(iterations) {
    if (state.ready) return;
    timings.layout = performance.now();
    network.stopSimulation();
    network.setOptions({ physics: { enabled: false } });
    network.fit();
    placeLabels();
    timings.labels = performance.now();
    state.iterations = iterations || 0;
    loading.classList.add("done");
    var done = false;
    function idle() { // the first frame after the layout is drawn: the page is ready to use
      if (done) return;
      done = true;
      timings.drawn = performance.now();
      state.ready = true;
      state.stabilizedAt = timings.drawn;
    }
    network.once("afterDrawing", idle);
    setTimeout(idle, 3000); // a hidden canvas is never drawn
    if (kg.focus && nodes.get(kg.focus)) {
      network.selectNodes([kg.focus]);
      edgeLabels([kg.focus]);
      placeLabels();
      showNode(kg.focus);
    }
  }

  network.on("stabilizationProgress", function (p) {
    timings["iteration " + p.iterations] = performance.now();
    loading.textContent = "布局计算中… " + Math.round((100 * p.iterations) / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () { settled(options.physics.stabilization.iterations); });
  network.once("stabilized", function (p) { settled(p && p.iterations); });
  if (nodeList.length === 0) {
    loading.textContent = listed.length ? "本视图中的实体之间没有关系：见右侧列表" : "没有可显示的节点";
    state.ready = true;
    state.stabilizedAt = performance.now();
  }

  // -- filters ---------------------------------------------------------------------------------

  var typeOn = {};
  var relOn = {};
  var typeCount = {};
  var relCount = {};
  var typeBoxes = {};
  nodeList.forEach(function (n) { typeCount[n.kgType] = (typeCount[n.kgType] || 0) + 1; });
  edgeList.forEach(function (e) { relCount[e.kgRel] = (relCount[e.kgRel] || 0) + 1; });

  function filterRow(parent, style, count, swatchClass, onChange) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.checked = true;
    box.value = style.key;
    box.addEventListener("change", function () { onChange(box.checked); });
    var swatch = el("span", null, "swatch " + swatchClass);
    swatch.style.backgroundColor = style.color;
    label.appendChild(box);
    label.appendChild(swatch);
    label.appendChild(el("span", style.label));
    label.appendChild(el("span", count, "count"));
    parent.appendChild(label);
    return box;
  }

  kg.types.forEach(function (t) {
    if (!typeCount[t.key]) return;
    typeOn[t.key] = true;
    typeBoxes[t.key] = filterRow(document.getElementById("type-filters"), t, typeCount[t.key], t.shape,
      function (on) { typeOn[t.key] = on; applyFilters(); });
  });
  kg.relations.forEach(function (r) {
    if (!relCount[r.key]) return;
    relOn[r.key] = true;
    filterRow(document.getElementById("relation-filters"), r, relCount[r.key], "line",
      function (on) { relOn[r.key] = on; applyFilters(); });
  });

  function applyFilters() {
    var nodeUpdates = [];
    nodes.forEach(function (n) {
      var hidden = !typeOn[n.kgType];
      if (Boolean(n.hidden) !== hidden) nodeUpdates.push({ id: n.id, hidden: hidden });
    });
    nodes.update(nodeUpdates);
    var edgeUpdates = [];
    edges.forEach(function (e) {
      var hidden = !relOn[e.kgRel];
      if (Boolean(e.hidden) !== hidden) edgeUpdates.push({ id: e.id, hidden: hidden });
    });
    edges.update(edgeUpdates);
    updateCounts();
    relabel();
  }

  function updateCounts() {
    var shownNodes = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
    var shownEdges = edges.get({
      filter: function (e) { return !e.hidden && typeOn[nodes.get(e.from).kgType] && typeOn[nodes.get(e.to).kgType]; },
    }).length;
    var text = "显示 " + shownNodes + " / " + nodeList.length + " 个实体，" + shownEdges + " / " + edgeList.length + " 条关系";
    if (listed.length) text += "；另列 " + listed.length + " 个无关系实体";
    if (leftOut.entities) text += "；未显示 " + leftOut.entities + " 个（见概览）";
    document.getElementById("counts").textContent = text;
  }
  updateCounts();

  // -- search ----------------------------------------------------------------------------------

  var byName = new Map();
  Object.keys(kg.details).forEach(function (id) {
    var d = kg.details[id];
    [d.name].concat(d.aliases).forEach(function (name) {
      if (!byName.has(name)) byName.set(name, []);
      if (byName.get(name).indexOf(id) < 0) byName.get(name).push(id);
    });
  });
  var allNames = Array.from(byName.keys()).sort();
  var datalist = document.getElementById("search-names");
  allNames.slice(0, 20000).forEach(function (name) {
    var option = document.createElement("option");
    option.value = name;
    datalist.appendChild(option);
  });

  function degree(id) { return nodes.get(id) ? network.getConnectedEdges(id).length : -1; }

  function byDegree(ids) {
    return ids.slice().sort(function (a, b) { return degree(b) - degree(a) || (a < b ? -1 : a > b ? 1 : 0); });
  }

  var status = document.getElementById("search-status");
  var results = el("div", null, "results");
  results.hidden = true;
  document.getElementById("toolbar").appendChild(results);

  function showResults(ids, heading) {
    clear(results);
    results.appendChild(el("div", heading, "muted"));
    var list = el("ul");
    ids.slice(0, 30).forEach(function (id) {
      var d = kg.details[id];
      var item = el("li");
      var button = el("button", d.name);
      button.type = "button";
      button.addEventListener("click", function () { results.hidden = true; focusNode(id); });
      item.appendChild(button);
      item.appendChild(el("span", " " + typeStyle[d.type].label, "muted"));
      list.appendChild(item);
    });
    results.appendChild(list);
    results.style.left = document.getElementById("search-input").offsetLeft + "px";
    results.hidden = false;
  }

  function search(query) {
    query = query.trim();
    status.textContent = "";
    results.hidden = true;
    if (!query) return;
    var exact = byName.get(query);
    if (exact) {
      var ranked = byDegree(exact);
      focusNode(ranked[0]);
      if (ranked.length > 1) showResults(ranked, "同名实体 " + ranked.length + " 个");
      return;
    }
    var lower = query.toLowerCase();
    var partial = [];
    allNames.forEach(function (name) {
      if (name.toLowerCase().indexOf(lower) >= 0) {
        byName.get(name).forEach(function (id) { if (partial.indexOf(id) < 0) partial.push(id); });
      }
    });
    if (partial.length === 1) focusNode(partial[0]);
    else if (partial.length > 1) showResults(byDegree(partial), "包含“" + query + "”的实体 " + partial.length + " 个");
    else status.textContent = "未找到“" + query + "”";
  }

  document.getElementById("search").addEventListener("submit", function (event) {
    event.preventDefault();
    search(document.getElementById("search-input").value);
  });
  document.getElementById("search-input").addEventListener("input", function (event) {
    // a name picked from the suggestions (typing is "insertText" and waits for Enter)
    if ((!event.inputType || event.inputType === "insertReplacementText") && byName.has(event.target.value.trim())) {
      search(event.target.value);
    }
  });

  function focusNode(id) {
    var n = nodes.get(id);
    if (!n) { // an entity listed in the panel (no relation): its details, not drawn
      if (!kg.details[id]) return false;
      network.unselectAll();
      edgeLabels([]);
      relabel();
      state.focused = id;
      showNode(id);
      return true;
    }
    if (n.hidden) { // the node's type was filtered out: show the type again
      typeOn[n.kgType] = true;
      if (typeBoxes[n.kgType]) typeBoxes[n.kgType].checked = true;
      applyFilters();
    }
    network.selectNodes([id]);
    edgeLabels([id]);
    relabel();
    network.focus(id, {
      scale: Math.max(network.getScale(), 1.2),
      locked: false, // a locked camera jumps away on the next selection (vis-network 9.1.2)
      animation: { duration: 400, easingFunction: "easeInOutQuad" },
    });
    state.focused = id;
    showNode(id);
    return true;
  }

  // -- details panel ---------------------------------------------------------------------------

  function linkTo(id, text) {
    if (!kg.details[id]) return el("span", text);
    var button = el("button", text, "link");
    button.type = "button";
    button.addEventListener("click", function () { focusNode(id); });
    return button;
  }

  function highlighted(text, names) { // text with the names marked, built from text nodes only
    var out = el("blockquote");
    var terms = names.filter(function (s) { return s && s.length > 0; })
      .sort(function (a, b) { return b.length - a.length; });
    var at = 0;
    while (at < text.length) {
      var best = -1;
      var term = null;
      terms.forEach(function (t) {
        var i = text.indexOf(t, at);
        if (i >= 0 && (best < 0 || i < best)) { best = i; term = t; }
      });
      if (best < 0) break;
      out.appendChild(document.createTextNode(text.slice(at, best)));
      out.appendChild(el("mark", term));
      at = best + term.length;
    }
    out.appendChild(document.createTextNode(text.slice(at)));
    return out;
  }

  function sourceList(item, names) {
    var section = el("section");
    var count = item.sentenceCount || item.sentences.length;
    section.appendChild(el("h3", "来源句子（" + (count > item.sentences.length ? "前 " + item.sentences.length + " 句，共 " + count + " 句" : count) + "）"));
    if (!item.sentences.length && !item.datasets.length) section.appendChild(el("p", "无", "muted"));
    var list = el("ol", null, "sources");
    item.sentences.forEach(function (sid) {
      var s = kg.sentences[sid];
      var a = s.article ? kg.articles[s.article] : null;
      var li = el("li");
      li.appendChild(highlighted(s.text, names));
      var meta = [];
      if (a && a.headline) meta.push("《" + a.headline + "》");
      if (a && a.date) meta.push(a.date);
      var where = s.file + (s.start !== null && s.start !== undefined ? ":" + s.start + "–" + s.end : "");
      meta.push(where);
      li.appendChild(el("div", meta.join(" · "), "meta"));
      list.appendChild(li);
    });
    section.appendChild(list);
    item.datasets.forEach(function (label) { section.appendChild(el("p", "数据集：" + label, "meta")); });
    return section;
  }

  function sourceLine(sids) { // where a career step or change is stated: headline, date, file
    var line = el("div", null, "meta");
    sids.slice(0, 3).forEach(function (sid, i) {
      var s = kg.sentences[sid];
      var a = s.article ? kg.articles[s.article] : null;
      var text = (a && a.headline ? "《" + a.headline + "》" : "") + (a && a.date ? a.date + " " : "") + s.file;
      var quote = el("span", (i ? "；" : "来源：") + text);
      quote.title = s.text; // shown as the element's plain-text tooltip
      line.appendChild(quote);
    });
    if (sids.length > 3) line.appendChild(el("span", "（共 " + sids.length + " 句）"));
    return line;
  }

  function careerTimeline(steps) { // a person's posts in date order, acting and former marked
    var section = el("section");
    section.appendChild(el("h3", "任职经历"));
    var list = el("ol", null, "timeline");
    steps.forEach(function (st) {
      var li = el("li");
      var when = [];
      if (st.start || st.end) when.push((st.start || "?") + " 至 " + (st.end || "今"));
      if (st.firstObserved) {
        when.push("见报 " + st.firstObserved + (st.lastObserved !== st.firstObserved ? "–" + st.lastObserved : ""));
      }
      li.appendChild(el("span", when.join("；") || "日期不详", "when"));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(linkTo(st.org, st.orgName));
      li.appendChild(document.createTextNode(" " + st.title));
      if (st.acting) li.appendChild(el("span", "代理", "tag"));
      if (st.former) li.appendChild(el("span", "原任", "tag"));
      st.changes.forEach(function (c) {
        li.appendChild(el("span", c.label + (c.date ? " " + c.date : ""), "tag change"));
      });
      if (st.sentences.length) li.appendChild(sourceLine(st.sentences));
      list.appendChild(li);
    });
    section.appendChild(list);
    return section;
  }

  function decidedChanges(changes) { // appointments and departures a meeting or body decided
    var section = el("section");
    section.appendChild(el("h3", "人事任免（" + changes.length + "）"));
    var list = el("ul");
    changes.forEach(function (c) {
      var li = el("li");
      li.appendChild(el("span", c.label, "tag change"));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(linkTo(c.person, c.personName));
      li.appendChild(document.createTextNode(" " + c.post + (c.date ? "（" + c.date + "）" : "")));
      if (c.sentences.length) li.appendChild(sourceLine(c.sentences));
      list.appendChild(li);
    });
    section.appendChild(list);
    return section;
  }

  function field(parent, heading, text) {
    parent.appendChild(el("h3", heading));
    parent.appendChild(el("div", text));
  }

  function typeLine(type) {
    var style = typeStyle[type];
    var line = el("div", null, "type");
    var swatch = el("span", null, "swatch " + style.shape);
    swatch.style.backgroundColor = style.color;
    line.appendChild(swatch);
    line.appendChild(el("span", style.label));
    return line;
  }

  function backButton() {
    var back = el("button", "← 概览", "link back");
    back.type = "button";
    back.addEventListener("click", function () { network.unselectAll(); edgeLabels([]); relabel(); showSummary(); });
    return back;
  }

  function more(count, shown) { // "(first N of M)" when the page keeps only part of a list
    return count > shown ? el("p", "（仅列前 " + shown + " 项，共 " + count + " 项）", "muted") : null;
  }

  function showNode(id) {
    var d = kg.details[id];
    if (!d) return;
    clear(panel);
    state.shown = { node: id };
    panel.appendChild(backButton());
    panel.appendChild(el("h2", d.name));
    panel.appendChild(typeLine(d.type));
    if (d.listed) panel.appendChild(el("p", "本视图中无关系，未画出。", "muted"));
    if (d.aliases.length) field(panel, "别名", d.aliases.join("、"));
    if (d.dates.length) field(panel, d.type === "Article" ? "发表日期" : "日期", d.dates.join("、"));
    if (d.posts.length) {
      panel.appendChild(el("h3", "职务"));
      var posts = el("ul");
      d.posts.forEach(function (p) {
        var li = el("li");
        li.appendChild(linkTo(p.org, p.orgName));
        li.appendChild(document.createTextNode(" " + p.title));
        if (p.observed.length) li.appendChild(el("span", "（见报 " + p.observed.join("、") + "）", "muted"));
        posts.appendChild(li);
      });
      panel.appendChild(posts);
      if (more(d.postCount, d.posts.length)) panel.appendChild(more(d.postCount, d.posts.length));
    }
    if (d.career && d.career.length) panel.appendChild(careerTimeline(d.career));
    if (more(d.careerCount, (d.career || []).length)) panel.appendChild(more(d.careerCount, d.career.length));
    if (d.changes && d.changes.length) panel.appendChild(decidedChanges(d.changes));
    if (more(d.changeCount, (d.changes || []).length)) panel.appendChild(more(d.changeCount, d.changes.length));
    var connected = nodes.get(id) ? network.getConnectedEdges(id) : [];
    if (connected.length) {
      panel.appendChild(el("h3", "关系（" + connected.length + "）"));
      var rels = el("ul");
      connected.map(function (eid) { return edges.get(eid); })
        .sort(function (a, b) { return a.id < b.id ? -1 : 1; })
        .forEach(function (e) {
          var info = kg.edges[e.id];
          var out = e.from === id;
          var other = out ? e.to : e.from;
          var li = el("li");
          var rel = el("button", (out ? "→ " : "← ") + edgeName(info), "link relation");
          rel.type = "button";
          rel.title = "查看证据";
          rel.addEventListener("click", function () { network.selectEdges([e.id]); showEdge(e.id); });
          li.appendChild(rel);
          li.appendChild(document.createTextNode(" "));
          li.appendChild(linkTo(other, kg.details[other].name));
          rels.appendChild(li);
        });
      panel.appendChild(rels);
    }
    panel.appendChild(sourceList(d, [d.name].concat(d.aliases)));
    panel.appendChild(el("p", id, "meta"));
  }

  function showEdge(eid) {
    var e = edges.get(eid);
    var info = kg.edges[eid];
    if (!e || !info) return;
    clear(panel);
    state.shown = { edge: eid };
    panel.appendChild(backButton());
    var from = kg.details[e.from];
    var to = kg.details[e.to];
    var h = el("h2");
    h.appendChild(linkTo(e.from, from.name));
    h.appendChild(el("span", " —" + edgeName(info) + "→ ", "relation"));
    h.appendChild(linkTo(e.to, to.name));
    panel.appendChild(h);
    field(panel, "关系", edgeName(info));
    if (info.observed.length) field(panel, "见报日期", info.observed.join("、"));
    if (info.rules.length) field(panel, "抽取规则", info.rules.join("；"));
    var names = [from.name, to.name].concat(from.aliases, to.aliases);
    if (info.title) names.push(info.title);
    panel.appendChild(sourceList(info, names));
  }

  function showSummary() {
    clear(panel);
    state.shown = null;
    panel.appendChild(el("h2", "图谱概览"));
    var drawn = nodeList.length + " 个实体，" + edgeList.length + " 条关系";
    if (leftOut.capped) drawn += "（关系最多的部分，上限 " + leftOut.maxNodes + " 个实体）";
    panel.appendChild(el("p", "图中画出 " + drawn + "。"));
    panel.appendChild(el("p", "点击节点查看名称、别名、职务、日期和来源句子；点击连线查看证据句子。放大后显示更多名称，悬停显示名称。", "muted"));
    var list = el("ul");
    kg.types.forEach(function (t) {
      if (!typeCount[t.key]) return;
      var li = el("li");
      li.appendChild(typeLine(t.key));
      li.lastChild.appendChild(el("span", typeCount[t.key], "muted"));
      list.appendChild(li);
    });
    panel.appendChild(list);
    if (leftOut.entities || leftOut.edges) panel.appendChild(leftOutSection());
    if (listed.length) panel.appendChild(listedSection());
  }

  function leftOutSection() { // what the page does not show, and the commands that show it
    var section = el("section", null, "left-out");
    section.id = "left-out";
    section.appendChild(el("h3", "未显示"));
    var parts = leftOut.byType.map(function (kv) {
      return (typeStyle[kv[0]] ? typeStyle[kv[0]].label : kv[0]) + " " + kv[1];
    });
    var text = "本页未显示 " + leftOut.entities + " 个实体" + (parts.length ? "（" + parts.join("，") + "）" : "") +
      "和 " + leftOut.edges + " 条关系。";
    section.appendChild(el("p", text));
    if (leftOut.unlisted) section.appendChild(el("p", "另有 " + leftOut.unlisted + " 个无关系的实体未列出（只列提及最多的 " + listed.length + " 个）。", "muted"));
    if (leftOut.commands.length) {
      section.appendChild(el("p", "查看其余部分" + (leftOut.where ? "（" + leftOut.where + "）" : "") + "："));
      var cmds = el("ul", null, "commands");
      leftOut.commands.forEach(function (c) {
        var li = el("li");
        li.appendChild(el("div", c.what));
        li.appendChild(el("code", c.command));
        cmds.appendChild(li);
      });
      section.appendChild(cmds);
    }
    return section;
  }

  function listedSection() { // entities without relations: by type, searchable, each opens its details
    var section = el("section", null, "listed");
    section.id = "listed";
    section.appendChild(el("h3", "无关系的实体（" + listed.length + (leftOut.unlisted ? " / " + (listed.length + leftOut.unlisted) : "") + "）"));
    var filter = el("input");
    filter.type = "search";
    filter.placeholder = "筛选名称";
    filter.setAttribute("aria-label", "筛选无关系的实体");
    section.appendChild(filter);
    var groups = [];
    kg.types.forEach(function (t) {
      var ids = listed.filter(function (id) { return kg.details[id].type === t.key; });
      if (!ids.length) return;
      var group = el("details");
      group.open = true;
      group.dataset.type = t.key;
      var summary = el("summary");
      summary.appendChild(el("span", t.label));
      var count = el("span", " " + ids.length, "muted count");
      summary.appendChild(count);
      group.appendChild(summary);
      var ul = el("ul");
      var items = ids.map(function (id) {
        var d = kg.details[id];
        var li = el("li");
        var button = el("button", d.name, "link");
        button.type = "button";
        button.dataset.id = id;
        button.addEventListener("click", function () { showNode(id); });
        li.appendChild(button);
        if (d.sentenceCount) li.appendChild(el("span", " " + d.sentenceCount + " 句", "muted"));
        ul.appendChild(li);
        return { li: li, names: [d.name].concat(d.aliases).join("\n").toLowerCase() };
      });
      group.appendChild(ul);
      section.appendChild(group);
      groups.push({ group: group, count: count, items: items, total: ids.length });
    });
    filter.addEventListener("input", function () {
      var q = filter.value.trim().toLowerCase();
      groups.forEach(function (g) {
        var shown = 0;
        g.items.forEach(function (it) {
          var hit = !q || it.names.indexOf(q) >= 0;
          it.li.hidden = !hit;
          if (hit) shown += 1;
        });
        g.count.textContent = " " + (q ? shown + " / " + g.total : g.total);
        g.group.hidden = shown === 0;
      });
    });
    return section;
  }

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else showSummary();
  });
  showSummary();
  timings.interface = performance.now();
})();
