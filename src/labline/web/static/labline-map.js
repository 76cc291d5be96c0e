// Figures by province on a map of China: Apache ECharts (static/vendor/echarts/, vendored
// from npm at install time) draws each [data-map] as SVG, so it prints and downloads like
// the other charts. The values also stay in the page as a table (labline.web.maps).
// A map is drawn when it comes near the screen (a page of many maps stays light), and every
// map is drawn before printing.
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  var NO_DATA = "#f3f3f3";
  function number(v) {
    return v.toLocaleString(zh ? "zh-CN" : "en-GB", { maximumFractionDigits: 2 });
  }
  // The colour scale's ends: the lowest and highest value; when they are equal (one region,
  // or all alike) the scale runs from zero, so the regions with data are coloured and the
  // regions without stay "no data".
  function range(values) {
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    if (hi > lo) return [lo, hi];
    lo = Math.min(0, lo);
    hi = Math.max(0, hi);
    return lo === hi ? [0, 1] : [lo, hi];
  }
  function addDownload(el, chart, spec) {
    var fig = el.closest("figure");
    var save = window.lablineCharts && window.lablineCharts.download;
    if (!fig || !save || fig.querySelector(".chart-png")) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary chart-png no-print";
    b.textContent = spec.labels.download;
    b.addEventListener("click", function () {
      var svg = el.querySelector("svg");
      if (svg) save(svg, spec.title.replace(/[\\/:*?"<>|]+/g, " ").trim() || "map");
    });
    fig.appendChild(b);
  }
  function draw(el) {
    if (el.getAttribute("data-rendered") !== null) return;
    var spec = JSON.parse(el.getAttribute("data-map"));
    var labels = spec.labels;
    var marked = spec.marked || [];
    var values = spec.values.map(function (v) { return v.value; });
    var ends = values.length ? range(values) : [0, 1];
    var data = spec.values.map(function (v) {
      var item = { name: v.name, value: v.value, region: v.region };
      if (marked.indexOf(v.name) >= 0) {
        item.itemStyle = { borderColor: "#d9822b", borderWidth: 2.5 };
        item.label = { show: true, formatter: v.region, color: "#1d2430", fontWeight: "bold" };
      }
      return item;
    });
    var width = el.clientWidth || 760;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      // ECharts' own description would replace the figure's label with an English sentence
      // listing the outlines' Chinese names in either UI; the label (the heading) stays, and
      // screen readers get the values from the table beside the map.
      aria: { enabled: false },
      animation: false,  // drawn whole at once: before printing there is no next frame
      // The whole heading, with its unit, wrapped rather than cut (it is in the PNG too).
      title: {
        text: spec.title, left: "center", top: 4,
        textStyle: { fontSize: 14, width: Math.max(200, width - 40), overflow: "break" }
      },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var d = p.data;
          return d && typeof d.value === "number" && !isNaN(d.value)
            ? d.region + ": " + number(d.value) + (spec.unit ? " " + spec.unit : "")
            : ((spec.names || {})[p.name] || p.name) + ": " + labels.no_data;
        }
      },
      visualMap: {
        min: ends[0], max: ends[1],
        left: "left", bottom: 34, calculable: true, itemHeight: 110,
        text: [labels.high, labels.low],
        formatter: function (v) { return number(v); },
        inRange: { color: ["#c6dbef", "#0f5c8c"] }
      },
      // The key's last entry: the grey of the regions without a value.
      graphic: [
        { type: "rect", left: 0, bottom: 8, shape: { width: 16, height: 12 },
          style: { fill: NO_DATA, stroke: "#999" } },
        { type: "text", left: 22, bottom: 8,
          style: { text: labels.no_data, fill: "#333", font: "12px sans-serif" } }
      ],
      series: [{
        type: "map", map: "china", roam: false, top: 48, bottom: 10,
        itemStyle: { areaColor: NO_DATA, borderColor: "#999" },
        label: { show: false },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#d9822b" } },
        select: { disabled: true },
        data: data
      }]
    });
    el.setAttribute("data-rendered", String(spec.values.length));
    addDownload(el, chart, spec);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function drawAll() {
    document.querySelectorAll("[data-map]").forEach(draw);
  }
  function init() {
    if (!window.echarts || !echarts.getMap || !echarts.getMap("china")) return;
    var maps = document.querySelectorAll("[data-map]");
    window.addEventListener("beforeprint", drawAll);
    if (window.matchMedia) {
      var print = window.matchMedia("print");
      var onPrint = function (e) { if (e.matches) drawAll(); };
      if (print.addEventListener) print.addEventListener("change", onPrint);
      if (print.matches) return drawAll();
    }
    if (!("IntersectionObserver" in window)) return drawAll();
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) {
          seen.unobserve(e.target);
          draw(e.target);
        }
      });
    }, { rootMargin: "300px 0px" });
    maps.forEach(function (el) { seen.observe(el); });
  }
  window.lablineMaps = { draw: draw, drawAll: drawAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
