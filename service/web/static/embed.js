// Narrate's embed snippet: <script src=".../static/embed.js" data-src=".../embed/ID" async>
// puts the compact player's iframe where the script is, and sizes it to the bar.
"use strict";
(() => {
  const script = document.currentScript;
  if (!script || !script.dataset.src) return;
  const frame = document.createElement("iframe");
  frame.src = script.dataset.src;
  frame.title = script.dataset.title || "Listen to this article";
  frame.loading = "lazy";
  frame.allow = "autoplay";
  frame.style.cssText = "display:block;width:100%;max-width:100%;height:96px;border:0";
  script.parentNode.insertBefore(frame, script);
  addEventListener("message", (event) => {
    const height = event.data && event.data.narrateEmbedHeight;
    if (event.source === frame.contentWindow && height > 0 && height <= 400) {
      frame.style.height = `${height}px`;
    }
  });
})();
