// Progressive enhancements: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // Unfold long summaries in place.
  document.querySelectorAll("[data-unfold]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const body = link.previousElementSibling;
      if (!body || !body.classList.contains("folded")) return;
      event.preventDefault();
      body.classList.remove("folded");
      link.remove();
    });
  });

  // A second click on a submit button must not post the form twice. The button that
  // was pressed is remembered, since its name (preview/publish) matters to the server.
  document.querySelectorAll("form[data-once]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitting) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      const pressed = event.submitter;
      if (pressed && pressed.name) {
        const keep = document.createElement("input");
        keep.type = "hidden";
        keep.name = pressed.name;
        keep.value = pressed.value;
        form.appendChild(keep);
      }
      form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
    });
  });

  document.querySelectorAll("[data-confirm]").forEach((button) => {
    button.addEventListener("click", (event) => {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
});

// Coming back to a page from the browser's history restores it as it was left, with
// its buttons disabled; make its forms usable again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-once]").forEach((form) => {
    delete form.dataset.submitting;
    form.querySelectorAll("input[type=hidden][name=preview], input[type=hidden][name=publish]").forEach((input) => input.remove());
    form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = false; });
  });
});
