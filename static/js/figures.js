"use strict";
// Figures in the summary form (figures.views.upload): an image chosen with "Add a
// figure", pasted into the text or dropped on it is uploaded at once, and its Markdown
// takes the place of a placeholder put at the caret. Errors show under the text, which
// is never changed but for the placeholder. Without this file the form's Upload button
// posts the whole form to the same address and the page comes back with the figure.

const FIGURE_PLACEHOLDER = "![Uploading figure…]()";
const FIGURE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"];

function enhanceFigures(box) {
  const form = box.closest("form");
  const textarea = form && form.querySelector("textarea[name=body]");
  const input = box.querySelector("input[type=file]");
  if (!textarea || !input || "enhanced" in box.dataset) return;
  box.dataset.enhanced = "";

  // One button in place of the file input and its Upload button, which post the form.
  const controls = box.querySelector("[data-figure-controls]");
  // d-none, not `hidden`: the row's own d-flex would win over the attribute.
  controls.classList.add("d-none");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "btn btn-outline-secondary btn-sm";
  button.textContent = "Add a figure";
  button.setAttribute("aria-describedby", "figure-help");
  button.addEventListener("click", () => input.click());
  controls.after(button);

  // Under the text, where the eye is: the Markdown lands there too.
  const error = document.createElement("p");
  error.className = "figure-error text-danger small mt-1 mb-0";
  error.setAttribute("role", "alert");
  error.hidden = true;
  (textarea.closest(".mb-3") || textarea).append(error);
  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
  };

  const changed = () => textarea.dispatchEvent(new Event("input", { bubbles: true }));

  const insertAtCaret = (text) => {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const before = textarea.value.slice(0, start);
    // On a line of its own: a figure between two words would read as part of them.
    const lead = before === "" || before.endsWith("\n") ? "" : "\n";
    const tail = textarea.value.slice(end).startsWith("\n") ? "" : "\n";
    textarea.setRangeText(lead + text + tail, start, end, "end");
    changed();
  };

  // The placeholder is replaced where it now stands: the author may have typed around it.
  const replacePlaceholder = (text) => {
    const at = textarea.value.indexOf(FIGURE_PLACEHOLDER);
    if (at === -1) return false;
    const caret = textarea.selectionStart;
    textarea.setRangeText(text, at, at + FIGURE_PLACEHOLDER.length, "preserve");
    if (caret > at) {
      const moved = caret + text.length - FIGURE_PLACEHOLDER.length;
      textarea.setSelectionRange(moved, moved);
    }
    changed();
    return true;
  };

  const removePlaceholder = () => {
    const at = textarea.value.indexOf(FIGURE_PLACEHOLDER);
    if (at === -1) return;
    let end = at + FIGURE_PLACEHOLDER.length;
    if (textarea.value[end] === "\n") end += 1;
    textarea.setRangeText("", at, end, "preserve");
    changed();
  };

  const send = async (file) => {
    const data = new FormData();
    data.append("image", file, file.name || "figure");
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    let response;
    try {
      response = await fetch(box.dataset.uploadUrl, {
        method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" },
      });
    } catch (failure) {
      return { error: "The figure could not be sent: check your connection and try again." };
    }
    let answer = null;
    try {
      answer = await response.json();
    } catch (failure) {
      // Not the site's JSON: a proxy's error page.
    }
    if (response.ok && answer && answer.markdown) return answer;
    if (answer && answer.error) return answer;
    if (response.status === 413) return { error: "This file is too large to be a figure." };
    return { error: `The figure could not be added (error ${response.status}). Try again.` };
  };

  // One at a time, in order: each placeholder is replaced before the next is put in.
  let queue = Promise.resolve();
  const upload = (files) => {
    const images = Array.from(files);
    if (!images.length) return;
    showError("");
    images.forEach((file) => {
      queue = queue.then(async () => {
        if (!FIGURE_TYPES.includes(file.type)) {
          showError(`${file.name || "This file"} is not a PNG, JPEG, GIF or WebP image.`);
          return;
        }
        insertAtCaret(FIGURE_PLACEHOLDER);
        box.setAttribute("aria-busy", "true");
        const answer = await send(file);
        box.removeAttribute("aria-busy");
        if (answer.markdown) {
          if (!replacePlaceholder(answer.markdown)) insertAtCaret(answer.markdown);
        } else {
          removePlaceholder();
          showError(`Figure not added: ${answer.error}`);
        }
      });
    });
  };

  input.addEventListener("change", () => {
    upload(input.files);
    // Cleared, so that the same file can be chosen again and the form never posts it.
    input.value = "";
  });

  textarea.addEventListener("paste", (event) => {
    const clipboard = event.clipboardData;
    if (!clipboard || !clipboard.files.length) return;
    // Text copied from a document often comes with a picture of itself: the text wins.
    if (clipboard.getData("text/plain")) return;
    event.preventDefault();
    upload(clipboard.files);
  });

  textarea.addEventListener("dragover", (event) => {
    if (event.dataTransfer && Array.from(event.dataTransfer.types).includes("Files")) {
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
    }
  });
  textarea.addEventListener("drop", (event) => {
    if (!event.dataTransfer || !event.dataTransfer.files.length) return;
    event.preventDefault();
    textarea.focus();
    upload(event.dataTransfer.files);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-figures]").forEach(enhanceFigures);
});
