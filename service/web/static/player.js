// The Narrate player: progress of a job, then <audio> with a transcript that follows along.
// It reads only the public listening paths (/listen/{id}/...), so pages play for anyone
// with the link even when the API needs a key; submitting (the form) is the API's.
"use strict";

const POLL_MS = 500;

async function getJSON(url, init) {
  const response = await fetch(url, init);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = body.detail || body.message || response.statusText;
    throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return body;
}

const listenPath = (jobId) => `/listen/${encodeURIComponent(jobId)}`;

function fraction(job) {
  return typeof job.percent === "number" ? job.percent / 100 : 0;
}

// Fill a sentence's <span> with its text, each timed word in a <span class="w"> (its
// characters found by the offsets in timings.json: "$1.5 billion" is one word).
function addWords(span, sentence, words, audio, seek) {
  const text = sentence.text;
  let at = 0;
  const spans = [];
  for (const w of words) {
    const from = w.char_start - sentence.char_start;
    const to = w.char_end - sentence.char_start;
    if (from < at || to > text.length) continue;
    span.appendChild(document.createTextNode(text.slice(at, from)));
    const word = document.createElement("span");
    word.className = "w";
    word.textContent = text.slice(from, to);
    word.dataset.start = String(w.start);
    word.dataset.end = String(w.end);
    word.addEventListener("click", (event) => {
      event.stopPropagation();
      seek(w.start);
    });
    span.appendChild(word);
    spans.push(word);
    at = to;
  }
  span.appendChild(document.createTextNode(text.slice(at)));
  return spans;
}

// The last of `spans` (in time order) that has started by `t`, or null.
function lastStarted(spans, t) {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Number(spans[mid].dataset.start) <= t + 0.01) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? spans[lo - 1] : null;
}

// Render the transcript: one <span class="s"> per sentence, headings as <h2>, blocks as <p>;
// inside, one <span class="w"> per word when the timings have words.
function renderTranscript(container, sentences, audio, words = []) {
  container.textContent = "";
  let block = null;
  let holder = null;
  const spans = [];
  const wordSpans = [];
  const bySentence = new Map();
  for (const w of words) {
    if (!bySentence.has(w.sentence)) bySentence.set(w.sentence, []);
    bySentence.get(w.sentence).push(w);
  }
  for (const s of sentences) {
    if (s.disclosure) continue; // the spoken AI disclosure: the label says it already
    if (s.block !== block || holder === null) {
      holder = document.createElement(s.heading ? "h2" : "p");
      container.appendChild(holder);
      block = s.block;
    } else {
      holder.appendChild(document.createTextNode(" "));
    }
    const span = document.createElement("span");
    span.className = "s";
    span.dataset.index = String(s.index);
    span.dataset.start = String(s.start);
    span.dataset.end = String(s.end);
    span.addEventListener("click", () => seek(s.start));
    // Focusable, and Enter (or Space) seeks: the transcript works from the keyboard.
    span.tabIndex = 0;
    span.setAttribute("role", "button");
    span.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        seek(s.start);
      }
    });
    const own = typeof s.char_start === "number" ? bySentence.get(s.index) || [] : [];
    if (own.length) wordSpans.push(...addWords(span, s, own, audio, seek));
    else span.textContent = s.text;
    holder.appendChild(span);
    spans.push(span);
  }
  function seek(t) {
    audio.currentTime = t;
    highlight(t);
    if (audio.paused) audio.play().catch(() => {});
  }
  let current = null;
  let currentWord = null;
  function highlight(t) {
    const found = lastStarted(spans, t);
    if (found !== current) {
      if (current) current.classList.remove("current");
      if (found) found.classList.add("current");
      current = found;
      if (found && !container.dataset.noScroll) found.scrollIntoView({ block: "nearest" });
    }
    // The word lit is the last one started in the sentence that is lit.
    let word = lastStarted(wordSpans, t);
    if (word && !(found && found.contains(word))) word = null;
    if (word !== currentWord) {
      if (currentWord) currentWord.classList.remove("current");
      if (word) word.classList.add("current");
      currentWord = word;
    }
  }
  audio.addEventListener("timeupdate", () => highlight(audio.currentTime));
  audio.addEventListener("seeked", () => highlight(audio.currentTime));
}

// Show the finished job in `root` (elements found by data-role).
async function showJob(root, job) {
  const links = job.links || {};
  const audio = root.querySelector("[data-role=audio]");
  const download = root.querySelector("[data-role=download]");
  const transcript = root.querySelector("[data-role=transcript]");
  audio.src = links.audio;
  if (download) download.href = links.audio;
  const timings = await getJSON(links.timings);
  renderTranscript(transcript, timings.sentences || [], audio, timings.words || []);
  root.querySelector("[data-role=player]").hidden = false;
  root.dataset.state = "ready";
}

// Poll the job until it ends, driving the progress bar; then show the player.
async function followJob(root, jobId) {
  const bar = root.querySelector("[data-role=progress]");
  const label = root.querySelector("[data-role=status]");
  const error = root.querySelector("[data-role=error]");
  for (;;) {
    let job;
    try {
      job = await getJSON(`${listenPath(jobId)}/status`);
    } catch (e) {
      error.textContent = e.message;
      return;
    }
    const f = job.status === "done" ? 1 : fraction(job);
    if (bar) {
      bar.value = f;
      bar.parentElement.hidden = job.status === "done";
    }
    const eta = typeof job.eta_seconds === "number" ? ` · about ${Math.ceil(job.eta_seconds)} s left` : "";
    if (label) label.textContent = `${job.status} · ${Math.round(f * 100)}%${eta}`;
    root.dataset.status = job.status;
    if (job.title) {
      const title = root.querySelector("[data-role=title]");
      if (title && title.textContent !== job.title) title.textContent = job.title;
    }
    if (job.status === "done") {
      return showJob(root, job); // the progress is shown only while the job runs
    }
    if (["failed", "cancelled"].includes(job.status)) {
      error.textContent = `The job ${job.status}.`;
      return;
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}

async function loadVoices(select, preview) {
  try {
    const body = await getJSON("/v1/voices");
    const voices = Array.isArray(body) ? body : body.voices || [];
    const previews = new Map();
    for (const v of voices) {
      const ids = v.speakers && v.speakers.length > 1 ? v.speakers.map((s) => `${v.id}#${s}`) : [v.id];
      for (const id of ids) {
        const option = document.createElement("option");
        option.value = id;
        option.textContent = `${id} (${v.language}, ${v.quality})`;
        select.appendChild(option);
        previews.set(id, `/v1/voices/${encodeURIComponent(id)}/preview`);
      }
      if (v.default) previews.set("", `/v1/voices/${encodeURIComponent(v.id)}/preview`);
    }
    // The preview next to the picker plays the chosen voice (the default one when none is).
    const show = () => {
      const url = previews.get(select.value);
      if (url) preview.src = url;
      else preview.removeAttribute("src");
    };
    select.addEventListener("change", show);
    show();
  } catch (e) {
    // The service picks its default voice when none is chosen.
  }
}

function formatOf(name, text) {
  if (/\.(html?|xhtml)$/i.test(name) || /^\s*</.test(text)) return "html";
  if (/\.(md|markdown)$/i.test(name)) return "markdown";
  return "text";
}

function setUpForm(root) {
  const form = root.querySelector("form");
  const file = form.querySelector("[name=file]");
  const text = form.querySelector("[name=text]");
  const format = form.querySelector("[name=format]");
  const speed = form.querySelector("[name=speed]");
  const speedLabel = form.querySelector("[data-role=speed]");
  const error = root.querySelector("[data-role=error]");
  loadVoices(form.querySelector("[name=voice]"), root.querySelector("[data-role=voice-preview]"));
  speed.addEventListener("input", () => (speedLabel.textContent = `${speed.value}×`));
  file.addEventListener("change", async () => {
    const f = file.files[0];
    if (!f) return;
    text.value = await f.text();
    format.value = formatOf(f.name, text.value);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const kind = format.value === "auto" ? formatOf("", text.value) : format.value;
    // HTML is extracted by the service; plain text and Markdown go in as text.
    const body = kind === "html" ? { html: text.value } : { text: text.value };
    body.speed = Number(speed.value);
    const voice = form.querySelector("[name=voice]").value;
    if (voice) body.voice = voice;
    const button = form.querySelector("button");
    button.disabled = true;
    try {
      const job = await getJSON("/v1/jobs", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      history.replaceState(null, "", `/jobs/${job.id}`);
      await followJob(root, job.id);
    } catch (e) {
      error.textContent = e.message;
    } finally {
      button.disabled = false;
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  const root = document.querySelector("[data-narrate]");
  if (!root) return;
  if (root.dataset.jobId) followJob(root, root.dataset.jobId);
  else setUpForm(root);
});
