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

// The scenario editor: the results follow the model as it is typed (the form still works
// without this). A run already asked for is dropped when the text changes again.
document.addEventListener("DOMContentLoaded", () => {
  const model = document.querySelector("textarea[data-live]");
  if (!model) return;
  const form = model.form;
  const status = document.getElementById("live-status");
  let timer = null;
  let inflight = null;
  model.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (inflight) inflight.abort();
      inflight = new AbortController();
      status.textContent = status.dataset.running;
      try {
        const res = await fetch(model.dataset.live, {
          method: "POST",
          headers: { "x-kamae-live": "1" },
          body: new URLSearchParams(new FormData(form)),
          signal: inflight.signal,
        });
        const html = await res.text();
        const result = document.getElementById("result");
        if (result) result.outerHTML = html;
        status.textContent = status.dataset.done;
      } catch (e) {
        if (e.name !== "AbortError") status.textContent = String(e);
      }
    }, 600);
  });
});
