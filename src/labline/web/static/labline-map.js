// Figures by province on a map of China: Apache ECharts (static/vendor/echarts/, vendored
// from npm at install time) draws each [data-map] as SVG, so it prints and downloads like
// the other charts. The values also stay in the page as a table (labline.web.maps).
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  function number(v) {
    return v.toLocaleString(zh ? "zh-CN" : "en-GB", { maximumFractionDigits: 2 });
  }
  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-map"));
    var values = spec.values.map(function (v) { return v.value; });
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      // ECharts' own description would replace the figure's label with an English sentence
      // listing the outlines' Chinese names in either UI; the label (the heading) stays, and
      // screen readers get the values from the table beside the map.
      aria: { enabled: false },
      title: { text: spec.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          return p.data ? p.data.region + ": " + number(p.data.value) : p.name;
        }
      },
      visualMap: {
        min: Math.min.apply(null, values),
        max: Math.max.apply(null, values),
        left: "left", bottom: 10, calculable: true,
        text: [zh ? "高" : "high", zh ? "低" : "low"],
        inRange: { color: ["#e0ecf4", "#0f5c8c"] }
      },
      series: [{
        type: "map", map: "china", roam: false, top: 40, bottom: 10,
        itemStyle: { areaColor: "#f3f3f3", borderColor: "#999" },
        emphasis: { label: { show: false }, itemStyle: { areaColor: "#d9822b" } },
        data: spec.values
      }]
    });
    el.setAttribute("data-rendered", String(spec.values.length));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function init() {
    if (!window.echarts || !echarts.getMap || !echarts.getMap("china")) return;
    document.querySelectorAll("[data-map]").forEach(draw);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
