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

  // A free domain name suggested under a field (checkout's tenant fields): a click puts it
  // into the field the status line describes, which checks it again.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-domain-suggestion]");
    if (!button) return;
    var status = button.closest("[data-tenant-status]");
    if (!status || !status.id) return;
    var field = document.querySelector('[aria-describedby~="' + status.id + '"]');
    if (!field) return;
    event.preventDefault();
    field.value = button.getAttribute("data-domain-suggestion");
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.focus();
  });

  // Buy now: the new domain field only when "Create new" is the tenant chosen.
  function showNewTenant(select) {
    var block = select.form && select.form.querySelector("[data-new-tenant]");
    if (block) block.hidden = select.value !== select.getAttribute("data-new-value");
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-new-value]")) {
      showNewTenant(event.target);
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-new-value]").forEach(showNewTenant);
  });
})();
