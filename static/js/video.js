"use strict";
// Video previews in user text (markup/md.py draws them): a link to the video shown as a
// box with a play button. Nothing is asked of YouTube or Vimeo until the reader clicks;
// then the link gives way to the player, framed from the provider's player origin (the
// only origins the CSP's frame-src admits). Without scripts the link opens the video.
// The ids were checked when the text was rendered; they are checked again here, so that
// nothing but a player for one video is ever framed.

(() => {
  const PLAYERS = {
    youtube: { id: /^[A-Za-z0-9_-]{11}$/, src: "https://www.youtube-nocookie.com/embed/", name: "YouTube" },
    vimeo: { id: /^[0-9]{1,12}$/, src: "https://player.vimeo.com/video/", name: "Vimeo" },
  };

  function player(link) {
    const provider = link.dataset.video;
    const id = link.dataset.videoId || "";
    if (!Object.hasOwn(PLAYERS, provider)) return null;
    const kind = PLAYERS[provider];
    if (!kind.id.test(id)) return null;
    const frame = document.createElement("iframe");
    frame.className = "video-frame";
    // The click was the request to play: start at once.
    frame.src = `${kind.src}${id}?autoplay=1`;
    frame.title = `${kind.name} video`;
    // What the players need to play (their scripts, their own storage) and to cast, and
    // no more: no top navigation, forms or pop-ups ("Watch on YouTube" does nothing;
    // the link was there before the click). Full screen comes from `allow`.
    frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-presentation");
    frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
    frame.allowFullscreen = true;
    // YouTube refuses to play without knowing the embedding site: the origin is sent,
    // never the page's path.
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.loading = "lazy";
    return frame;
  }

  document.addEventListener("click", (event) => {
    // Previews arrive in live previews too, hence one listener on the document.
    const link = event.target.closest && event.target.closest("a.video-preview[data-video]");
    if (!link) return;
    // A modified or middle click opens the video in a tab, as links do.
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const frame = player(link);
    if (!frame) return;
    event.preventDefault();
    link.replaceWith(frame);
    frame.focus();
  });
})();
