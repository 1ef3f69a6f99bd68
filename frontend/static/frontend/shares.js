// The share buttons of an idea page: "Copy link" copies the member's coded link (or the plain one for a
// visitor), shows it beside the button and says it through the page's one live region; a member's press of
// any share button is told to the forum (POST /api/v1/ideas/<id>/shares/) so that it counts. The links
// themselves work without this script.

import { announce } from "./announce.js";

const section = document.getElementById("share");

function say(text) {
  document.getElementById("share-said").textContent = text;
  announce(text, { now: true });
}

function count(channel) {
  const api = section.dataset.shareApi;
  if (!api) return; // a visitor: their shares carry no code and count nothing
  const csrf = section.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
  fetch(api, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
    body: JSON.stringify({ channel }),
    credentials: "same-origin",
    keepalive: true, // the press opens another tab; the count still goes out
  }).catch(() => {});
}

async function copy(button) {
  const words = document.getElementById("share-said").dataset;
  try {
    await navigator.clipboard.writeText(button.dataset.url);
    say(words.copied);
    count(button.dataset.channel);
  } catch {
    say(words.copyFailed);
  }
}

if (section) {
  const button = document.getElementById("share-copy");
  if (button && navigator.clipboard) {
    button.hidden = false;
    document.getElementById("share-plain").hidden = true;
    button.addEventListener("click", () => copy(button));
  }
  section.querySelectorAll("a.share-link").forEach((link) => {
    link.addEventListener("click", () => count(link.dataset.channel));
  });
}
