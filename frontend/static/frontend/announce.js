// The page's one polite live region (#announcer, rendered by base.html with the sentences in its
// data- attributes, so they are translated): what changed, said briefly and never in a flood.

const GAP_MS = 2_000; // at most one announcement this often; what comes between is said together
const FEW = 3; // up to this many changes are said in full, more as a count and the latest

const region = document.getElementById("announcer");
let pending = [];
let timer = null;
let lastAt = -Infinity;

// A sentence from the region's data- attributes, with {name} filled in from values.
export function phrase(key, values = {}) {
  const template = region?.dataset[key] || "";
  return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? String(values[name]) : match));
}

function flush() {
  timer = null;
  if (!pending.length) return;
  const messages = [...new Set(pending)];
  pending = [];
  const latest = messages[messages.length - 1];
  let text = messages.length <= FEW ? messages.join(" ") : phrase("many", { n: messages.length, latest });
  // The same words twice in a row are still a new announcement.
  if (text === region.textContent) text += "\u00a0";
  region.textContent = text;
  lastAt = Date.now();
}

// An answer to what the reader just did (their own vote) is said at once; changes made by others
// wait their turn, so that a busy page never floods the reader.
export function announce(message, { now = false } = {}) {
  if (!region || !message) return;
  if (now) {
    clearTimeout(timer);
    timer = null;
    const others = pending;
    pending = [message];
    flush();
    pending = others;
  } else {
    pending.push(message);
  }
  if (timer === null && pending.length) timer = setTimeout(flush, Math.max(0, lastAt + GAP_MS - Date.now()));
}
