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

function postWithoutScript(form, button) {
  // form.submit() leaves out the pressed button, which carries the vote.
  const value = document.createElement("input");
  value.type = "hidden";
  value.name = button.name;
  value.value = button.value;
  form.appendChild(value);
  form.submit();
}

async function sendVote(form, button) {
  const data = new FormData(form);
  data.set(button.name, button.value);
  const token = form.querySelector("[name=csrfmiddlewaretoken]");
  const parts = voteParts(form);
  form.setAttribute("aria-busy", "true");
  try {
    let response;
    try {
      response = await fetch(form.action, {
        method: "POST",
        body: data,
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
        credentials: "same-origin",
      });
    } catch {
      parts.error.textContent = VOTE_OFFLINE;
      return;
    }
    if (response.status === 401) {
      // Logged out meanwhile: the plain post takes the reader to the login page and back.
      postWithoutScript(form, button);
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
  // A second click while the first vote is on its way would take that vote back.
  if (form.hasAttribute("aria-busy")) return;
  sendVote(form, button);
});
