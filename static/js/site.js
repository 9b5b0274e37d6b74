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

// The writing forms (a summary, a comment, a reply, an edit): a live preview, a
// Write/Preview switch on narrow screens and Ctrl/Cmd+Enter to post. comments.js calls
// this for the forms it builds or fetches. Without JavaScript the summary form's Preview
// button posts the form, and comments post as they are.
function enhanceWriting(form) {
  const textarea = form.querySelector("textarea[name=body]");
  if (!textarea || !form.dataset.previewUrl || "enhanced" in form.dataset) return;
  form.dataset.enhanced = "";
  // The summary's preview sits in its own column, outside the form: the switch hides
  // and shows things within the element marked data-writing, or the form itself.
  const scope = form.closest("[data-writing]") || form;
  const field = textarea.closest(".mb-3") || textarea;
  field.classList.add("writing-field");
  // What only writing needs (the topics, the figure controls) goes with the text, so
  // that on a phone the preview is on the first screen.
  form.querySelectorAll("[data-figures], select[name=topics]").forEach((part) => {
    (part.closest(".mb-3") || part).classList.add("writing-field");
  });
  let target = scope.querySelector("[data-preview]");
  let pane = target && target.closest(".writing-preview");
  // A comment form's preview goes under its field, shown once there is text to show.
  const growing = !target;
  if (growing) {
    pane = document.createElement("section");
    pane.className = "writing-preview mb-2";
    pane.setAttribute("aria-label", "Preview");
    pane.hidden = true;
    const heading = document.createElement("p");
    heading.className = "small text-body-secondary mb-1";
    heading.textContent = "Preview";
    target = document.createElement("div");
    target.className = "rendered writing-preview-body border rounded p-2";
    target.dataset.preview = "";
    target.setAttribute("aria-live", "polite");
    pane.append(heading, target);
    field.after(pane);
  }

  // The server renders the text with the function that publishes it, so the preview is
  // exactly what readers will see.
  let timer = null;
  let latest = 0;
  const refresh = async () => {
    const request = ++latest;
    if (growing && !textarea.value.trim()) {
      target.replaceChildren();
      pane.hidden = scope.dataset.writingMode !== "preview";
      return;
    }
    const data = new FormData();
    data.append("body", textarea.value);
    data.append("flavor", form.dataset.previewFlavor || "summary");
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    try {
      const response = await fetch(form.dataset.previewUrl, {
        method: "POST", body: data, credentials: "same-origin",
      });
      // A slower, older answer must not overwrite a newer one.
      if (response.ok && request === latest) {
        target.innerHTML = await response.text();
        pane.hidden = false;
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
        pane.hidden = false;
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

  // Below Bootstrap's md breakpoint the preview would sit far below the form (or take
  // the room of the text): two buttons switch between them there (site.css). From md
  // up the buttons are hidden and both show.
  const switcher = document.createElement("div");
  switcher.className = "writing-switch btn-group btn-group-sm mb-2 d-md-none";
  switcher.setAttribute("role", "group");
  switcher.setAttribute("aria-label", "Write or preview");
  const buttons = [["write", "Write"], ["preview", "Preview"]].map(([mode, label]) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.dataset.mode = mode;
    button.textContent = label;
    button.addEventListener("click", () => show(mode));
    return button;
  });
  switcher.append(...buttons);
  field.before(switcher);
  const show = (mode) => {
    scope.dataset.writingMode = mode;
    buttons.forEach((button) => button.setAttribute("aria-pressed", String(button.dataset.mode === mode)));
    if (mode === "preview") {
      pane.hidden = false;
      clearTimeout(timer);
      refresh();
    }
  };
  // After the no-script Preview (the page posted and came back with it), the preview.
  show(scope.dataset.writing === "preview" ? "preview" : "write");

  // Ctrl+Enter (Cmd+Enter on a Mac) posts, as the form's main button does: through
  // requestSubmit, so the double-submit guard and the idempotency key apply as to a click.
  textarea.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    if (form.dataset.submitting) return;
    const button = form.querySelector("button[type=submit][data-primary]");
    if (button) form.requestSubmit(button);
    else form.requestSubmit();
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

  document.querySelectorAll("form[data-preview-url]").forEach(enhanceWriting);

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
