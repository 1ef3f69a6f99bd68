// The share buttons of an idea page: "Copy link" copies the member's coded link (or the plain one for a
// visitor) and says so in the section's live region; a member's press of any share button is told to the
// forum (POST /api/v1/ideas/<id>/shares/) so that it counts. The links themselves work without this script.

const section = document.getElementById("share");

function say(text) {
  const region = document.getElementById("share-said");
  if (!region) return;
  region.textContent = text === region.textContent ? `${text}\u00a0` : text;
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
  const region = document.getElementById("share-said");
  try {
    await navigator.clipboard.writeText(button.dataset.url);
    say(region.dataset.copied);
    count(button.dataset.channel);
  } catch {
    say(region.dataset.copyFailed);
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
