"use strict";
// Older links to a comment end in `#comment-<id>` without naming its page: the summary's
// discussion is paged (summaries/discussion.py), and a comment on a later page is not
// on the first. When the page lacks the comment it names, this asks the server for the
// page that holds it (`?comment=<id>`), as links made now do. Without scripts such a
// link opens the first page of the discussion.

(() => {
  const match = /^#comment-(\d+)$/.exec(window.location.hash);
  if (!match) return;
  const params = new URLSearchParams(window.location.search);
  // Asked already: the comment is gone, and the page shown is the best there is.
  if (params.has("comment")) return;
  // Loaded with `defer`: the whole page is there to look in.
  if (document.getElementById(`comment-${match[1]}`)) return;
  params.delete("page");
  params.set("comment", match[1]);
  window.location.replace(`${window.location.pathname}?${params}${window.location.hash}`);
})();
