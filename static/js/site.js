// Progressive enhancements: every page works without this file.
"use strict";

// A new idempotency key (summaries/idempotency.py) for a form that votes.js or
// comments.js sends or builds: one per intended post, so that resending it is stored once.
function newIdempotencyKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // randomUUID needs a secure context; a version 4 UUID by hand otherwise.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
}

// Wide formulas, code and tables scroll sideways inside their own box on narrow screens.
// A box that scrolls must be reachable by keyboard to be scrolled, so the ones that
// overflow right now join the tab order, and leave it again when they fit.
const SCROLLERS = ".rendered .katex-display, .rendered pre, .rendered table";
const scrollObserver = "ResizeObserver" in window
  ? new ResizeObserver((entries) => entries.forEach((entry) => markScrollable(entry.target)))
  : null;

function markScrollable(box) {
  const overflows = box.scrollWidth > box.clientWidth + 1;
  if (overflows && !box.hasAttribute("tabindex")) {
    box.tabIndex = 0;
    box.dataset.scrollFocus = "";
  } else if (!overflows && "scrollFocus" in box.dataset) {
    box.removeAttribute("tabindex");
    delete box.dataset.scrollFocus;
  }
}

function watchScrollers(root) {
  root.querySelectorAll(SCROLLERS).forEach((box) => {
    if (scrollObserver) scrollObserver.observe(box);
    else markScrollable(box);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  watchScrollers(document);
  // Math widens when its web fonts arrive, which resizes nothing the observer watches.
  if (document.fonts) {
    document.fonts.ready.then(() => document.querySelectorAll(SCROLLERS).forEach(markScrollable));
  }

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

  // Live preview: the server renders the text with the function that publishes it, so
  // the preview is exactly what readers will see. Without JavaScript the Preview
  // button does the same with a full page load.
  document.querySelectorAll("form[data-preview-url]").forEach((form) => {
    const textarea = form.querySelector("textarea[name=body]");
    const target = document.getElementById("preview");
    if (!textarea || !target) return;
    let timer = null;
    let latest = 0;
    const refresh = async () => {
      const request = ++latest;
      const data = new FormData();
      data.append("body", textarea.value);
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      try {
        const response = await fetch(form.dataset.previewUrl, {
          method: "POST", body: data, credentials: "same-origin",
        });
        // A slower, older answer must not overwrite a newer one.
        if (response.ok && request === latest) {
          target.innerHTML = await response.text();
          watchScrollers(target);
        } else if (response.status === 429 && request === latest) {
          // Too many previews in a short time (settings.RATE_LIMITS): say so above the
          // last preview, and ask again once the limit's window has passed.
          let notice = target.querySelector(".preview-paused");
          if (!notice) {
            notice = document.createElement("p");
            notice.className = "preview-paused alert alert-warning small";
            target.prepend(notice);
          }
          notice.textContent = "Preview paused: too many previews in a minute. "
            + "Your text is safe; the preview resumes shortly.";
          clearTimeout(timer);
          timer = setTimeout(refresh, (Number(response.headers.get("Retry-After")) || 60) * 1000);
        }
      } catch (error) {
        // Offline or the server is away: the form still works, the preview just waits.
      }
    };
    // The pause also bounds how often typing asks: see "preview" in settings.RATE_LIMITS.
    textarea.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 400);
    });
  });

  // The colour-mode toggle; theme.js, loaded in <head>, owns the state.
  document.querySelectorAll("[data-theme-toggle]").forEach((button) => {
    if (!window.siteTheme) return;
    const show = () => {
      const dark = document.documentElement.getAttribute("data-bs-theme") === "dark";
      button.setAttribute("aria-pressed", String(dark));
    };
    show();
    button.hidden = false;
    button.addEventListener("click", () => window.siteTheme.toggle());
    document.addEventListener("themechange", show);
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
