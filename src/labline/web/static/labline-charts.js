// Charts are server-drawn SVG. This adds a "PNG" download to each chart (drawn onto a
// canvas in the browser, nothing leaves the page) and wires [data-print] buttons. The maps
// (labline-map.js) save their drawing with the same `lablineCharts.download`.
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  function download(svg, name) {
    var box = svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width
      ? svg.viewBox.baseVal : svg.getBoundingClientRect();
    var scale = 2, w = Math.ceil(box.width), h = Math.ceil(box.height);
    var clone = svg.cloneNode(true);
    clone.setAttribute("xmlns", "http://www.w3.org/2000/svg");
    clone.setAttribute("width", w);
    clone.setAttribute("height", h);
    var data = new XMLSerializer().serializeToString(clone);
    var img = new Image();
    img.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = w * scale;
      canvas.height = h * scale;
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.scale(scale, scale);
      ctx.drawImage(img, 0, 0, w, h);
      canvas.toBlob(function (blob) {
        var a = document.createElement("a");
        a.href = URL.createObjectURL(blob);
        a.download = name + ".png";
        document.body.appendChild(a);
        a.click();
        a.remove();
      }, "image/png");
    };
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data);
  }
  function init() {
    var figures = document.querySelectorAll("main figure");
    figures.forEach(function (fig, i) {
      var svg = fig.querySelector("svg");
      // A map (labline-map.js) adds its own button once ECharts has drawn it.
      if (!svg || fig.querySelector(".chart-png") || fig.querySelector("[data-map]")) return;
      // A chart-set holds the desktop's picture and the phone's: save the one shown.
      function shown() {
        var all = fig.querySelectorAll("svg.chart");
        for (var k = 0; k < all.length; k++) if (all[k].getClientRects().length) return all[k];
        return svg;
      }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary chart-png no-print";
      b.textContent = zh ? "下载 PNG" : "Download PNG";
      var title = (fig.querySelector("figcaption") || {}).textContent || document.title;
      b.addEventListener("click", function () {
        download(shown(), (title.trim() || "chart-" + (i + 1)).replace(/[\\/:*?"<>|]+/g, " "));
      });
      fig.appendChild(b);
    });
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.addEventListener("click", function () { window.print(); });
    });
  }
  window.lablineCharts = { download: download };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
