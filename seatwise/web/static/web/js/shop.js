// Seatwise storefront: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Forms that return to the current page (currency, language) send the URL as it is now,
  // after HTMX may have changed it (sorting, paging) since the page was rendered.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-keeps-url")) return;
    var next = form.querySelector("input[name=next]");
    if (next) next.value = window.location.pathname + window.location.search;
  });
})();
