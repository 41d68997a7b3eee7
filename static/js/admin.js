// The admin's own scripts (DateTimeShortcuts, SelectFilter2) create controls that axe-core
// faults: a "Heute" link whose accessible name is the untranslated "Today (…)", and help
// icons with an aria-label but no role. Mended once they exist, and again for each new
// inline row.
"use strict";

function mendAdminControls() {
  for (const link of document.querySelectorAll(".datetimeshortcuts a[aria-label]")) {
    const visible = link.textContent.trim();
    const label = link.getAttribute("aria-label");
    if (visible && !label.startsWith(visible)) {
      const detail = label.includes("(") ? label.slice(label.indexOf("(")) : "";
      link.setAttribute("aria-label", detail ? `${visible} ${detail}` : visible);
    }
  }
  for (const icon of document.querySelectorAll(".help-tooltip[aria-label]:not([role])")) {
    icon.setAttribute("role", "img");
  }
}

// The admin's scripts set up their controls on "load": run after them.
window.addEventListener("load", () => setTimeout(mendAdminControls, 0));
document.addEventListener("formset:added", () => setTimeout(mendAdminControls, 0));
