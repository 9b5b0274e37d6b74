// Colour mode, loaded in <head> without defer: it must set data-bs-theme before the
// first paint, or a dark page flashes white. A choice made with the toggle (site.js) is
// kept in localStorage; without one the page follows the system setting, live.
"use strict";

(() => {
  const KEY = "theme";
  const system = window.matchMedia("(prefers-color-scheme: dark)");

  const stored = () => {
    // Storage can be off (privacy settings, some embedded browsers): follow the system.
    try {
      const value = window.localStorage.getItem(KEY);
      return value === "dark" || value === "light" ? value : null;
    } catch (error) {
      return null;
    }
  };

  const apply = () => {
    const mode = stored() || (system.matches ? "dark" : "light");
    document.documentElement.setAttribute("data-bs-theme", mode);
    document.dispatchEvent(new CustomEvent("themechange", { detail: mode }));
  };

  apply();
  system.addEventListener("change", apply);
  // A choice made in another tab applies here too.
  window.addEventListener("storage", (event) => {
    if (event.key === KEY || event.key === null) apply();
  });

  window.siteTheme = {
    toggle() {
      const dark = document.documentElement.getAttribute("data-bs-theme") !== "dark";
      try {
        // Picking what the system asks for means following the system again.
        if (dark === system.matches) window.localStorage.removeItem(KEY);
        else window.localStorage.setItem(KEY, dark ? "dark" : "light");
      } catch (error) {
        // Not remembered, but this page still switches.
      }
      document.documentElement.setAttribute("data-bs-theme", dark ? "dark" : "light");
      document.dispatchEvent(new CustomEvent("themechange", { detail: dark ? "dark" : "light" }));
    },
  };
})();
