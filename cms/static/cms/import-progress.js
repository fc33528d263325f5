// Refresh a large import's progress every few seconds without reloading the page (the page
// also has a "Refresh" link, so it works without JavaScript).
(function () {
  "use strict";
  var region = document.getElementById("import-progress");
  if (!region) return;
  function poll() {
    if (region.getAttribute("data-finished") === "true") return;
    fetch(window.location.href, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("import-progress");
        if (fresh) {
          region.innerHTML = fresh.innerHTML;
          region.setAttribute("data-finished", fresh.getAttribute("data-finished"));
        }
      })
      .finally(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
})();
