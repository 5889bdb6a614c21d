// Draws the report's charts from the JSON block the page carries (the tables beside them
// hold the same figures). Runs on a full load and after htmx swaps the page in.
(function () {
  "use strict";
  // htmx runs this file again when it swaps a reports page in: one listener is enough.
  if (window.redressReportsLoaded) { window.redressDrawReports(); return; }
  window.redressReportsLoaded = true;

  function chartOn(canvas, config) {
    var old = Chart.getChart(canvas);
    if (old) old.destroy();
    return new Chart(canvas, config);
  }

  function draw() {
    var block = document.getElementById("report-data");
    if (!block || typeof Chart === "undefined") return;
    var charts = [];
    var data = JSON.parse(block.textContent);
    var blue = "#0b4f9c", green = "#146c2e";
    var weekly = document.getElementById("chart-weekly");
    if (weekly) {
      charts.push(chartOn(weekly, {
        type: "bar",
        data: {
          labels: data.weekly.labels,
          datasets: [
            { label: data.weekly.created_label, data: data.weekly.created, backgroundColor: blue },
            { label: data.weekly.closed_label, data: data.weekly.closed, backgroundColor: green }
          ]
        },
        options: { maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
      }));
    }
    data.bars.forEach(function (b) {
      var canvas = document.getElementById(b.id);
      if (!canvas) return;
      charts.push(chartOn(canvas, {
        type: "bar",
        data: { labels: b.labels, datasets: [{ label: b.label, data: b.counts, backgroundColor: blue }] },
        options: {
          indexAxis: "y", maintainAspectRatio: false, animation: false,
          plugins: { legend: { display: false } },
          scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }
        }
      }));
    });
    document.documentElement.setAttribute("data-charts", String(charts.length));
  }

  window.redressDrawReports = draw;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
  document.addEventListener("htmx:afterSettle", draw);
})();
