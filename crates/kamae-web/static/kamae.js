// kamae's own small script. Every page works without it; it only improves.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a form that says so is sent (rejections, revocations, archiving).
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    form.addEventListener("submit", (ev) => {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  }
});
