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

  // The catalogue form carries data-hx-history="false" because htmx's history snapshot does not
  // keep checkbox states. On back/forward, load the page afresh rather than the htmx fragment.
  if (window.htmx) {
    window.htmx.config.refreshOnHistoryMiss = true;
  }
})();
