"use strict";
// Drafts: the text of a writing form kept while it is typed, so that a closed tab, a
// crash or a refused post loses nothing. Progressive enhancement: every form posts the
// same without it.
//
// - In the browser (localStorage), for every form with `data-draft` (its identity: the
//   user, then "summary" and the paper, "comment" and the summary, "reply" and the
//   comment replied to, "comment-edit" and the comment). The text comes back when the
//   form is opened again, with a notice and a way to discard it.
// - On the server, for a summary (`data-draft-url`, summaries.views.save_draft): every
//   10 seconds while the text changes. The write page starts
//   from that draft (summaries.draft_models), on any browser.
// - Leaving a page whose text differs from what was loaded, or saved on the server since,
//   asks first.

const DRAFT_PREFIX = "draft:";
const SERVER_SAVE_EVERY = 10000;
// A post lands on its next page within seconds; a mark older than this is stale.
const SUBMIT_SETTLES = 120000;
const DRAFT_KEPT_FOR = 30 * 24 * 3600 * 1000;

const draftStore = (() => {
  try {
    const store = window.localStorage;
    store.setItem(`${DRAFT_PREFIX}probe`, "1");
    store.removeItem(`${DRAFT_PREFIX}probe`);
    return store;
  } catch (error) {
    // Storage off (private windows of some browsers, a policy): no local drafts.
    return null;
  }
})();

function readDraft(key) {
  try {
    const entry = JSON.parse(draftStore.getItem(key));
    return entry && typeof entry.text === "string" ? entry : null;
  } catch (error) {
    return null;
  }
}

function writeDraft(key, entry) {
  try {
    draftStore.setItem(key, JSON.stringify(entry));
  } catch (error) {
    // Storage full: drafts are a convenience, the form itself still holds the text.
  }
}

// The forms watched on this page, for the warning before leaving it.
const watchedForms = new Set();

function pageAddress() {
  return window.location.href.split("#")[0];
}

// A form that was posted marked its draft (`submitted`). On the page that comes next,
// the draft goes if the post went through: that page was reached from the form's page
// by the post (a navigation, not history or a reload), did not answer with an error,
// and does not hold the form with the posted text again, as a refused post does.
function settleDrafts() {
  const navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  const arrived = navigation ? navigation.type === "navigate" : false;
  const status = navigation && navigation.responseStatus;
  const handedBack = new Map();
  document.querySelectorAll("form[data-draft] textarea[name=body]").forEach((textarea) => {
    handedBack.set(DRAFT_PREFIX + textarea.form.dataset.draft, textarea.value);
  });
  for (let index = draftStore.length - 1; index >= 0; index -= 1) {
    const key = draftStore.key(index);
    if (!key || !key.startsWith(DRAFT_PREFIX)) continue;
    const entry = readDraft(key);
    // A draft nobody came back to in a month is let go: storage is not an archive.
    if (!entry || Date.now() - (entry.at || 0) > DRAFT_KEPT_FOR) {
      draftStore.removeItem(key);
      continue;
    }
    if (!entry.submitted) continue;
    const posted = arrived
      && Date.now() - entry.submitted < SUBMIT_SETTLES
      && document.referrer === entry.page
      && !(status >= 400)
      && handedBack.get(key) !== entry.text;
    if (posted) {
      draftStore.removeItem(key);
    } else {
      delete entry.submitted;
      writeDraft(key, entry);
    }
  }
}

function draftNotice(onDiscard) {
  const notice = document.createElement("p");
  notice.className = "draft-notice alert alert-info small py-1 px-2 mb-2";
  notice.setAttribute("role", "status");
  notice.append("Restored your unsaved draft · ");
  const discard = document.createElement("button");
  discard.type = "button";
  discard.className = "btn btn-link btn-sm p-0";
  discard.textContent = "Discard";
  discard.addEventListener("click", () => {
    onDiscard();
    notice.remove();
  });
  notice.append(discard);
  return notice;
}

function watchDraft(form) {
  const textarea = form.querySelector("textarea[name=body]");
  if (!textarea || !form.dataset.draft || "draftWatched" in form.dataset) return;
  form.dataset.draftWatched = "";
  watchedForms.add(form);
  const loaded = textarea.value;
  // The text the server has: as loaded, or as saved since (a summary's draft). Leaving
  // with it loses nothing, and a local draft equal to it is no draft.
  form.draftBase = loaded;
  const key = DRAFT_PREFIX + form.dataset.draft;
  if (form.dataset.draftUrl) saveOnServer(form, textarea, key);
  if (!draftStore) return;

  const saveLocally = () => {
    if (textarea.value === form.draftBase) {
      draftStore.removeItem(key);
      return;
    }
    writeDraft(key, { text: textarea.value, base: form.draftBase, at: Date.now(), page: pageAddress() });
  };
  const changed = () => textarea.dispatchEvent(new Event("input", { bubbles: true }));

  // A draft comes back only into a form that holds nothing, or what it held when the
  // draft was begun: text the server hands back (a refused post, an edit saved from
  // elsewhere since) is newer than the draft, and is not overwritten.
  const entry = readDraft(key);
  if (entry && entry.text !== loaded && (loaded === "" || loaded === entry.base)) {
    textarea.value = entry.text;
    const field = textarea.closest(".writing-field, .mb-3") || textarea;
    field.before(draftNotice(() => {
      textarea.value = loaded;
      draftStore.removeItem(key);
      changed();
      textarea.focus();
    }));
    changed();
  }

  let timer = null;
  textarea.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(saveLocally, 500);
  });
  form.addEventListener("submit", () => {
    // Kept until the next page says the post went through (settleDrafts).
    clearTimeout(timer);
    writeDraft(key, {
      text: textarea.value, base: form.draftBase, at: Date.now(), page: pageAddress(), submitted: Date.now(),
    });
  });
}

// A summary's draft on the server: posted every SERVER_SAVE_EVERY while the text differs
// from what the server has. Text typed since the last save is in the local draft.
function saveOnServer(form, textarea, key) {
  let sending = false;
  const payload = () => {
    const data = new FormData();
    data.append("body", textarea.value);
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    return data;
  };
  const saved = (text) => {
    form.draftBase = text;
    if (!draftStore) return;
    const entry = readDraft(key);
    if (!entry) return;
    if (entry.text === text) draftStore.removeItem(key);
    else writeDraft(key, { ...entry, base: text });
  };
  const send = async () => {
    if (sending || form.dataset.submitting || textarea.value === form.draftBase) return;
    sending = true;
    const text = textarea.value;
    try {
      const response = await fetch(form.dataset.draftUrl, {
        method: "POST", body: payload(), credentials: "same-origin",
      });
      if (response.status === 204) saved(text);
    } catch (error) {
      // Offline: the local draft holds the text, and the next round tries again.
    }
    sending = false;
  };
  setInterval(send, SERVER_SAVE_EVERY);
}

window.addEventListener("beforeunload", (event) => {
  for (const form of watchedForms) {
    const textarea = form.querySelector("textarea[name=body]");
    if (!form.dataset.submitting && textarea && textarea.value !== form.draftBase) {
      event.preventDefault();
      // Older browsers ask only when this is set.
      event.returnValue = "";
      return;
    }
  }
});

// Back at a form from history after posting it (the post failed on the way, say): the
// post did not go through from here, so its mark must not make the next page drop it.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted || !draftStore) return;
  watchedForms.forEach((form) => {
    const key = DRAFT_PREFIX + form.dataset.draft;
    const entry = readDraft(key);
    if (entry && entry.submitted) {
      delete entry.submitted;
      writeDraft(key, entry);
    }
  });
});

document.addEventListener("DOMContentLoaded", () => {
  if (draftStore) settleDrafts();
  document.querySelectorAll("form[data-draft]").forEach(watchDraft);
});
