// Progressive enhancement for the course catalogue (/kurse/). The page works without it.
(function () {
  "use strict";

  // Controls that only a page without JavaScript needs (e.g. the sort button) hide themselves.
  document.documentElement.classList.add("js");

  // Wide screens have room for the filter panel beside the results; phones keep it folded so
  // the results come first. The server opens it anyway when a filter is active.
  var panel = document.querySelector(".js-filter-panel");
  if (panel && window.matchMedia("(min-width: 64rem)").matches) {
    panel.open = true;
  }

  // Narrow screens: the apply button folds the panel away and takes the person to the
  // results once they have arrived (htmx), the count first. Without JavaScript the page
  // reloads with the panel folded and the results right below it.
  var apply = document.querySelector(".js-filter-apply");
  var heading = document.getElementById("ergebnisse");
  if (panel && apply && heading && window.htmx) {
    apply.addEventListener("click", function () {
      if (window.matchMedia("(min-width: 64rem)").matches) {
        return;
      }
      document.body.addEventListener("htmx:afterSettle", function moveOn() {
        document.body.removeEventListener("htmx:afterSettle", moveOn);
        panel.open = false;
        heading.focus();
        heading.scrollIntoView({ block: "start" });
      });
    });
  }

  // The catalogue form carries data-hx-history="false" because htmx's history snapshot does not
  // keep checkbox states. On back/forward, load the page afresh rather than the htmx fragment.
  if (window.htmx) {
    window.htmx.config.refreshOnHistoryMiss = true;
  }
})();
