// Copy buttons for BibTeX entries: a progressive enhancement. Without scripts (or
// without the clipboard API, which plain-http pages lack) the button stays hidden and
// the entry can still be selected by hand or downloaded as a .bib file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  if (!navigator.clipboard || !navigator.clipboard.writeText) return;
  document.querySelectorAll("[data-copy-target]").forEach((button) => {
    const source = document.getElementById(button.dataset.copyTarget);
    if (!source) return;
    const label = button.textContent;
    let timer = null;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        button.textContent = "Copied";
      } catch (error) {
        // Refused (no permission, page not focused): say so rather than fail silently.
        button.textContent = "Copy failed: select the text";
      }
      clearTimeout(timer);
      timer = setTimeout(() => { button.textContent = label; }, 2500);
    });
  });
});
