"use strict";
// Votes without a page reload: see summaries/vote_views.py. Without this file the vote
// form posts as usual and the server sends the reader back to the summary.

const VOTE_ERRORS = {
  403: "This vote was refused. Reload the page and try again.",
  404: "This summary is no longer there.",
  429: "Too many votes in a short time. Try again in a few minutes.",
};
const VOTE_FAILED = "The vote could not be saved. Try again.";
const VOTE_OFFLINE = "The site could not be reached. Check your connection and try again.";
// Answers after which the vote may or may not have been stored: the same post is sent
// again, with the same key, which the server counts once (summaries/idempotency.py).
const RETRY_STATUSES = [502, 503, 504];
const RETRY_DELAYS_MS = [1000, 2000, 4000];

// The key of a click whose vote may or may not have been stored, per form: pressing the
// same button again retries that click rather than casting (or taking back) another vote.
const unsettled = new WeakMap();
// Clicks are sent one after the other, so that their answers come back in order.
const queues = new WeakMap();

function keyFor(form, button) {
  const earlier = unsettled.get(form);
  unsettled.delete(form);
  return earlier && earlier.value === button.value ? earlier.key : newIdempotencyKey();
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

function voteParts(form) {
  return {
    score: form.querySelector("[data-vote-score]"),
    announce: form.querySelector("[data-vote-announce]"),
    error: form.querySelector("[data-vote-error]"),
    buttons: form.querySelectorAll("button[name=value]"),
  };
}

function showVote(form, result) {
  const parts = voteParts(form);
  parts.score.textContent = result.score;
  parts.buttons.forEach((button) => {
    button.setAttribute("aria-pressed", String(button.value === result.vote));
  });
  parts.error.textContent = "";
  const said = { up: "You voted up.", down: "You voted down." }[result.vote] || "No vote from you.";
  parts.announce.textContent = `Score ${result.score}. ${said}`;
}

async function errorMessage(response) {
  // The server explains refusals it expects (JSON); the others have pages of their own.
  if ((response.headers.get("Content-Type") || "").startsWith("application/json")) {
    const body = await response.json().catch(() => ({}));
    if (body.error) return body.error;
  }
  return VOTE_ERRORS[response.status] || VOTE_FAILED;
}

function postWithoutScript(form, button, key) {
  // form.submit() leaves out the pressed button, which carries the vote.
  const value = document.createElement("input");
  value.type = "hidden";
  value.name = button.name;
  value.value = button.value;
  form.appendChild(value);
  const keyInput = form.querySelector("[name=idempotency_key]");
  if (keyInput) keyInput.value = key;
  form.submit();
}

// The answer to one post, retried with the same body while the outcome is unknown.
// Resolves to a Response, or to null when the site could not be reached at all.
async function postVote(form, data) {
  const token = form.querySelector("[name=csrfmiddlewaretoken]");
  for (let attempt = 0; ; attempt += 1) {
    let response = null;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
      });
    } catch {
      response = null;
    }
    const unknown = response === null || RETRY_STATUSES.includes(response.status);
    if (!unknown || attempt >= RETRY_DELAYS_MS.length) return response;
    await sleep(RETRY_DELAYS_MS[attempt]);
  }
}

async function sendVote(form, button, key) {
  const data = new FormData(form);
  data.set(button.name, button.value);
  data.set("idempotency_key", key);
  const parts = voteParts(form);
  form.setAttribute("aria-busy", "true");
  // A click sent after an unsettled one is a new intention: pressing a button again
  // retries only the latest click.
  unsettled.delete(form);
  try {
    const response = await postVote(form, data);
    if (response === null || response.status >= 500) {
      unsettled.set(form, { value: button.value, key });
    }
    if (response === null) {
      parts.error.textContent = VOTE_OFFLINE;
      return;
    }
    if (response.status === 401) {
      // Logged out meanwhile: the plain post takes the reader to the login page and back.
      postWithoutScript(form, button, key);
      return;
    }
    if (!response.ok) {
      parts.error.textContent = await errorMessage(response);
      return;
    }
    const result = await response.json().catch(() => null);
    if (result) showVote(form, result);
    else parts.error.textContent = VOTE_FAILED;
  } finally {
    form.removeAttribute("aria-busy");
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form[data-vote]")) return;
  const button = event.submitter;
  if (!button || button.name !== "value") return;
  event.preventDefault();
  // Each click is a vote of its own, a second one taking the first back, as it does
  // without this script: its key is taken now, before the clicks before it are answered.
  const key = keyFor(form, button);
  const send = () => sendVote(form, button, key);
  const previous = queues.get(form) || Promise.resolve();
  queues.set(form, previous.then(send, send));
});
