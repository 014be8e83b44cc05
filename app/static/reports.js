/* Charts of the admin's reports, drawn with Apache ECharts (served from /static/vendor).
 *
 * No inline script: a container `[data-source]` names the JSON endpoint of its figures (or
 * carries them already in `data-figures`, so the page's figures are computed once); each
 * `.report-chart[data-measure]` inside it becomes a horizontal bar chart of that measure, one
 * bar per group, and a click on a bar opens the rows behind it (`data-rows`).
 * `.report-chart[data-series]` (the dashboard) reads its figures from its own
 * data attribute instead. `[data-print]` buttons print the page. */
(function () {
  "use strict";

  function bar(el, names, values, unit, locale, label) {
    var chart = echarts.init(el, null, { renderer: "canvas", locale: locale });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", axisLabel: { formatter: "{value}" + unit } },
      yAxis: { type: "category", data: names.slice().reverse(), axisLabel: { width: 160, overflow: "truncate" } },
      series: [{
        type: "bar", name: label, data: values.slice().reverse(),
        label: { show: true, position: "right", formatter: function (p) { return p.value == null ? "—" : p.value + unit; } },
        itemStyle: { color: "#c23531" }
      }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
    return chart;
  }

  /* A bar opens the rows behind its figure (the bars run bottom-up, the groups top-down). */
  function linkToRows(chart, rows, groupIds, figure) {
    if (!rows || !groupIds || !figure) { return; }
    var ids = groupIds.slice().reverse();
    chart.on("click", function (p) {
      window.location.href = rows + "&group=" + encodeURIComponent(ids[p.dataIndex]) +
        "&figure=" + encodeURIComponent(figure);
    });
  }

  function size(el, rows) {
    el.style.height = Math.max(160, 40 + rows * 28) + "px";
  }

  function drawFromSource(box) {
    var locale = box.getAttribute("data-locale") || "ZH";
    var inline = box.getAttribute("data-figures");
    var figures = inline
      ? Promise.resolve(JSON.parse(inline))
      : fetch(box.getAttribute("data-source"), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); });
    figures
      .then(function (data) {
        var charts = {};
        data.charts.forEach(function (c) { charts[c.measure] = c; });
        box.querySelectorAll(".report-chart[data-measure]").forEach(function (el) {
          var c = charts[el.getAttribute("data-measure")];
          if (!c) { return; }
          size(el, data.groups.length);
          var chart = bar(el, data.groups, c.values, c.unit, locale, c.label);
          linkToRows(chart, box.getAttribute("data-rows"), data.group_ids, c.figure);
          el.setAttribute("data-drawn", "1");
        });
      })
      .catch(function () { box.setAttribute("data-failed", "1"); });
  }

  /* Dashboard charts: data-series is JSON {"kind": "bar"|"hbar"|"line"|"stack"|"hstack"|"grid",
   * "categories": [...], "series": [{"name": ..., "values": [...]}]} ("h…": horizontal bars;
   * "…stack": stacked; "grid": one cell per category coloured by its value, `pieces` the
   * colour bands, a null value taking the band below 0); "rows", "keys" and each series'
   * "key" link a figure to its rows. */
  function drawInline(el, locale) {
    var spec = JSON.parse(el.getAttribute("data-series"));
    var chart = echarts.init(el, null, { renderer: "canvas", locale: locale });
    if (spec.kind === "grid") {
      drawGrid(el, chart, spec);
    } else {
      drawAxes(el, chart, spec);
    }
    linkPoints(chart, spec, spec.kind === "hbar" || spec.kind === "hstack");
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
    el.setAttribute("data-drawn", "1");
  }

  /* A bar, point or cell opens the rows behind its figure: `spec.rows` is their address, the
   * category's and the series' keys are appended (horizontal bars run bottom-up). */
  function linkPoints(chart, spec, reversed) {
    if (!spec.rows || !spec.keys) { return; }
    chart.on("click", function (p) {
      var s = spec.series[p.seriesIndex];
      if (!s || s.key == null) { return; }
      var i = reversed ? spec.keys.length - 1 - p.dataIndex : p.dataIndex;
      window.location.href = spec.rows + "&category=" + encodeURIComponent(spec.keys[i]) +
        "&series=" + encodeURIComponent(s.key);
    });
  }

  function drawAxes(el, chart, spec) {
    var horizontal = spec.kind === "hbar" || spec.kind === "hstack";
    var stacked = spec.kind === "stack" || spec.kind === "hstack";
    var series = spec.series.map(function (s) {
      return { type: spec.kind === "line" ? "line" : "bar", name: s.name,
               data: horizontal ? s.values.slice().reverse() : s.values,
               stack: stacked ? "all" : undefined,
               label: { show: !stacked && spec.kind !== "line", position: horizontal ? "right" : "top" } };
    });
    var categories = { type: "category", data: horizontal ? spec.categories.slice().reverse() : spec.categories,
                       axisLabel: horizontal ? { width: 180, overflow: "truncate" } : {} };
    var values = { type: "value", minInterval: 1 };
    size(el, horizontal ? spec.categories.length : 8);
    chart.resize();
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? values : categories,
      yAxis: horizontal ? categories : values,
      series: series
    });
  }

  function drawGrid(el, chart, spec) {
    var values = spec.series[0].values;
    var n = Math.max(1, values.length);
    var cols = Math.max(1, Math.min(n, Math.floor(((el.clientWidth || 600) - 8) / 30)));
    var rows = Math.ceil(n / cols);
    var columns = [], lines = [];
    for (var c = 0; c < cols; c++) { columns.push(c); }
    for (var r = 0; r < rows; r++) { lines.push(r); }
    // the colour legend in one line, or (on a phone) one band a line
    var narrow = (el.clientWidth || 600) < 480;
    el.style.minHeight = "0";  // a few buildings: no empty band above the legend
    el.style.height = (16 + rows * 28 + (narrow ? spec.pieces.length * 22 : 30)) + "px";
    chart.resize();
    chart.setOption({
      animation: false,
      grid: { left: 4, top: 4, width: cols * 30, height: rows * 28 },
      tooltip: { formatter: function (p) {
        // the building, what the number is, and "never" in words rather than a dash
        var i = p.data[1] * cols + p.data[0];
        return spec.categories[i] + "<br>" + spec.series[0].name + ": " +
          (values[i] == null ? spec.pieces[0].label : values[i]);
      } },
      xAxis: { type: "category", data: columns, show: false },
      yAxis: { type: "category", data: lines, show: false, inverse: true },
      visualMap: { type: "piecewise", pieces: spec.pieces, orient: narrow ? "vertical" : "horizontal",
                   left: 0, bottom: 0, itemGap: 6, dimension: 2 },
      series: [{ type: "heatmap", name: spec.series[0].name,
                 data: values.map(function (v, i) {
                   return [i % cols, Math.floor(i / cols), v == null ? -1 : v];
                 }),
                 itemStyle: { borderColor: "#fff", borderWidth: 2 } }]
    });
  }

  function start() {
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-source]").forEach(drawFromSource);
    document.querySelectorAll(".report-chart[data-series]").forEach(function (el) {
      drawInline(el, el.getAttribute("data-locale") || "ZH");
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
