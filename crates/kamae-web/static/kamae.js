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
// without this). A run already asked for is dropped when the text changes again. The answer
// comes as lines of JSON: the run's progress, then the results.
document.addEventListener("DOMContentLoaded", () => {
  const model = document.querySelector("textarea[data-live]");
  if (!model) return;
  const form = model.form;
  const status = document.getElementById("live-status");
  const bar = document.getElementById("live-progress");
  let timer = null;
  let inflight = null;
  const show = (message) => {
    if ("html" in message) {
      const result = document.getElementById("result");
      if (result) result.outerHTML = message.html;
      status.textContent = status.dataset.done;
    } else if ("done" in message) {
      bar.max = message.of;
      bar.value = message.done;
      bar.hidden = false;
      const percent = Math.floor((100 * message.done) / Math.max(message.of, 1));
      status.textContent = `${status.dataset.running} ${percent}%`;
    } else {
      status.textContent = status.dataset.failed;
    }
  };
  model.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (inflight) inflight.abort();
      inflight = new AbortController();
      status.textContent = status.dataset.running;
      // The bar shows this run's trials, from its first line on; a refused model has none.
      bar.hidden = true;
      bar.value = 0;
      try {
        const res = await fetch(model.dataset.live, {
          method: "POST",
          headers: { "x-kamae-live": "1", accept: "application/x-ndjson" },
          body: new URLSearchParams(new FormData(form)),
          signal: inflight.signal,
        });
        if (!res.ok || !res.body) {
          status.textContent = status.dataset.failed;
          return;
        }
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let pending = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          pending += decoder.decode(value, { stream: true });
          let end;
          while ((end = pending.indexOf("\n")) >= 0) {
            const line = pending.slice(0, end).trim();
            pending = pending.slice(end + 1);
            if (line) show(JSON.parse(line));
          }
        }
      } catch (e) {
        if (e.name !== "AbortError") status.textContent = String(e);
      }
    }, 600);
  });
});
