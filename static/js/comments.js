"use strict";
// Replying and editing comments in place: see summaries/comment_views.py.
// Progressive enhancements: every page works without this file. Without it, "Reply"
// opens the summary's page with a form under the comment, and "Edit" the edit page;
// both forms post the same way with or without it.

(() => {
  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : null;
  }

  // Forms added after load get what site.js and drafts.js give the page's own forms: the
  // preview, the Write/Preview switch, Ctrl+Enter and a kept draft.
  function enhance(form) {
    if (typeof enhanceWriting === "function") enhanceWriting(form);
    if (typeof watchDraft === "function") watchDraft(form);
  }

  // Forms added after load are not seen by site.js's double-submit guard: the same here.
  function postOnce(form) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.submitting) {
        event.preventDefault();
        return;
      }
      form.dataset.submitting = "1";
      form.querySelectorAll("button[type=submit]").forEach((button) => { button.disabled = true; });
    });
  }

  function element(tag, attributes = {}, text = "") {
    const node = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => node.setAttribute(name, value));
    if (text) node.textContent = text;
    return node;
  }

  // The same form the server renders for `?reply=` (summaries/forms.py, reply_form),
  // with the same ids, so a page never holds two of one. Its key is made once: closing
  // and reopening the form keeps it, with the text.
  function replyForm(section, parentId, token) {
    const fieldId = `reply-${parentId}_body`;
    const form = element("form", {
      method: "post", action: section.dataset.commentUrl, class: "comment-form reply-form", id: `reply-form-${parentId}`,
    });
    form.dataset.once = "";
    if (section.dataset.previewUrl) {
      form.dataset.previewUrl = section.dataset.previewUrl;
      form.dataset.previewFlavor = "comment";
    }
    if (section.dataset.draftOwner) form.dataset.draft = `${section.dataset.draftOwner}:reply:${parentId}`;
    form.append(
      element("input", { type: "hidden", name: "csrfmiddlewaretoken", value: token }),
      element("input", { type: "hidden", name: "idempotency_key", value: newIdempotencyKey() }),
      element("input", { type: "hidden", name: "parent", value: parentId }),
    );
    const group = element("div", { id: `div_${fieldId}`, class: "mb-3" });
    const label = element("label", { for: fieldId, class: "form-label requiredField" }, "Your reply");
    label.append(element("span", { class: "asteriskField" }, "*"));
    const textarea = element("textarea", {
      name: "body", rows: "3", class: "textarea form-control", required: "",
      id: fieldId, "aria-describedby": `${fieldId}_helptext`,
    });
    const help = element(
      "div", { id: `${fieldId}_helptext`, class: "form-text" }, "Markdown and $math$ work here too.",
    );
    group.append(label, textarea, help);
    const buttons = element("div", { class: "d-flex gap-2" });
    buttons.append(
      element("button", { type: "submit", class: "btn btn-sm btn-primary", "data-primary": "" }, "Reply"),
      element("button", { type: "button", class: "btn btn-sm btn-link", "data-reply-cancel": "" }, "Cancel"),
    );
    form.append(group, buttons);
    postOnce(form);
    return form;
  }

  function wireReply(link) {
    const comment = link.closest(".comment");
    const section = link.closest("[data-comment-url]");
    const token = csrfToken();
    if (!comment || !section || !token) return;
    const parentId = link.dataset.replyTo;
    // The server may have opened it already (`?reply=`).
    link.setAttribute("aria-expanded", String(Boolean(document.getElementById(`reply-form-${parentId}`))));

    const close = (form) => {
      // Hidden rather than removed: text written in it is still there when it reopens.
      form.hidden = true;
      link.setAttribute("aria-expanded", "false");
      link.focus();
    };

    link.addEventListener("click", (event) => {
      event.preventDefault();
      let form = document.getElementById(`reply-form-${parentId}`);
      if (!form) {
        form = replyForm(section, parentId, token);
        // Right under the comment, above its replies, where the server puts it too.
        comment.after(form);
        enhance(form);
      }
      const cancel = form.querySelector("[data-reply-cancel]");
      if (cancel && !cancel.dataset.wired) {
        cancel.dataset.wired = "1";
        cancel.addEventListener("click", () => close(form));
      }
      form.hidden = false;
      link.setAttribute("aria-expanded", "true");
      form.querySelector("textarea").focus();
    });
  }

  // The edit page's own form (templates/summaries/comment_edit.html), fetched and put in
  // place of the comment's text. Whatever goes wrong, the link is followed instead.
  async function fetchEditForm(url) {
    const response = await fetch(url, { credentials: "same-origin" });
    // Redirected: the session ended and the login page answered.
    if (!response.ok || response.redirected) return null;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const form = page.querySelector("form.comment-edit-form");
    return form ? document.importNode(form, true) : null;
  }

  function wireEdit(link) {
    const comment = link.closest(".comment");
    const body = comment && comment.querySelector(".comment-body");
    if (!body) return;
    let form = null;
    let loading = false;
    link.setAttribute("aria-expanded", "false");

    const close = () => {
      form.hidden = true;
      body.hidden = false;
      link.setAttribute("aria-expanded", "false");
      link.focus();
    };

    link.addEventListener("click", async (event) => {
      event.preventDefault();
      if (loading) return;
      if (!form) {
        loading = true;
        try {
          form = await fetchEditForm(link.href);
        } catch (error) {
          form = null;
        }
        loading = false;
        if (!form) {
          window.location.assign(link.href);
          return;
        }
        // On its own page Cancel links back; here it only closes the form.
        const cancelLink = form.querySelector("[data-edit-cancel]");
        const cancel = element("button", { type: "button", class: "btn btn-sm btn-link" }, "Cancel");
        cancel.addEventListener("click", close);
        if (cancelLink) cancelLink.replaceWith(cancel);
        postOnce(form);
        body.after(form);
        enhance(form);
      }
      body.hidden = true;
      form.hidden = false;
      link.setAttribute("aria-expanded", "true");
      form.querySelector("textarea").focus();
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("a[data-reply-to]").forEach(wireReply);
    document.querySelectorAll("a[data-comment-edit]").forEach(wireEdit);
  });
})();
