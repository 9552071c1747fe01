// Progressive enhancement only: every page works without it.
document.documentElement.classList.add("js");
document.addEventListener("change", (event) => {
  // A select marked data-autosubmit submits its form (the language switch, list filters).
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.requestSubmit();
  }
});

// With JavaScript the partner search fills the choices as one types: Enter must not leave the
// page (and what was already typed in the contact form).
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches("input[form=pick-form]")) {
    event.preventDefault();
  }
});

// Charts: a <canvas data-chart="ID"> draws the JSON in <script id="ID"> with Chart.js.
function drawCharts(root) {
  if (typeof Chart === "undefined") return;
  root.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    if (canvas.dataset.drawn) return;
    const spec = JSON.parse(document.getElementById(canvas.dataset.chart).textContent);
    new Chart(canvas, {
      type: spec.type || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((set, index) => ({
          label: set.label,
          data: set.data,
          backgroundColor: ["#b22222", "#1d4ed8", "#1e7b34", "#9a6700"][index % 4],
        })),
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        legend: { display: spec.datasets.length > 1 },
        scales: { yAxes: [{ ticks: { beginAtZero: true } }] },
      },
    });
    canvas.dataset.drawn = "1";
  });
}
document.addEventListener("DOMContentLoaded", () => drawCharts(document));
document.addEventListener("htmx:afterSwap", (event) => drawCharts(event.target));
