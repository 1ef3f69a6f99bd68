// The live client: one WebSocket per page, subscribed to the topics the page names in
// <body data-live-topics="...">. It applies events to what the page shows, reconnects with
// exponential backoff and jitter, and refetches the page's live regions after a reconnect.

const MAX_DELAY_MS = 30_000;
const FIRST_DELAY_MS = 500;
const OFFLINE_GRACE_MS = 1_000;

function backoff(attempt) {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2); // "equal jitter": spread, never zero
}

async function fetchHTML(url) {
  const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  if (response.status === 204 || response.status === 404) return { status: response.status, html: "" };
  if (!response.ok) throw new Error(`${response.status} from ${url}`);
  return { status: response.status, html: await response.text() };
}

function elementFrom(html) {
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  return template.content.firstElementChild;
}

// Replace every live region of this page with its current version from the server.
async function refreshRegions() {
  const { html } = await fetchHTML(window.location.href);
  if (!html) return;
  const fresh = new DOMParser().parseFromString(html, "text/html");
  const known = new Set([...document.querySelectorAll("[data-idea-id]")].map((el) => el.dataset.ideaId));
  document.querySelectorAll("[data-live-region][id]").forEach((region) => {
    const replacement = fresh.getElementById(region.id);
    if (!replacement) return;
    replacement.querySelectorAll(".idea-card[data-idea-id]").forEach((card) => {
      if (!known.has(card.dataset.ideaId)) card.classList.add("is-new");
    });
    region.replaceWith(document.importNode(replacement, true));
  });
}

function cardUrl(list, id, extra) {
  const url = new URL(list.dataset.cardUrl.replace(/\/0\/card\/$/, `/${id}/card/`), window.location.origin);
  new URLSearchParams(window.location.search).forEach((value, key) => {
    if (key !== "page") url.searchParams.set(key, value);
  });
  Object.entries(extra).forEach(([key, value]) => url.searchParams.set(key, value));
  return url;
}

// New counts for an idea, wherever the page shows it; nothing moves, so the reader keeps their place.
export function showCounts(data) {
  document.querySelectorAll(`form.vote[data-idea-id="${data.id}"] [data-score]`).forEach((score) => {
    score.textContent = data.score;
    if (score.dataset.titleTemplate) {
      score.title = score.dataset.titleTemplate.replace("{up}", data.upvotes).replace("{down}", data.downvotes);
    }
  });
}

const handlers = {
  async "vote.changed"(data) {
    showCounts(data);
  },

  async "idea.created"(data) {
    const list = document.querySelector("[data-live-newest]");
    if (!list || document.getElementById(`idea-${data.id}`)) return;
    const { html } = await fetchHTML(cardUrl(list, data.id, { new: "1" }));
    if (!html || document.getElementById(`idea-${data.id}`)) return;
    list.prepend(elementFrom(html));
    document.getElementById("no-ideas")?.remove();
  },

  async "idea.changed"(data) {
    const card = document.getElementById(`idea-${data.id}`);
    const title = card?.querySelector(".idea-title a")?.textContent;
    if (card && !data.deleted && title === data.title) {
      showCounts(data); // a vote: counts change in place
      return;
    }
    if (card) {
      const list = card.closest("[data-card-url]") || document.querySelector("[data-card-url]");
      if (data.deleted || !list) {
        if (data.deleted) card.remove();
        return;
      }
      const { html } = await fetchHTML(cardUrl(list, data.id, card.classList.contains("is-new") ? { new: "1" } : {}));
      if (html) card.replaceWith(elementFrom(html));
      else card.remove();
    }
    const article = document.querySelector(`article[data-idea-id="${data.id}"]`);
    if (article) {
      if (data.deleted) {
        document.getElementById("idea-gone").hidden = false;
        article.classList.add("is-gone");
      } else {
        await refreshRegions();
      }
    }
  },
};

export function startLive(topics) {
  const status = document.getElementById("live-status");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}/ws/live/`;
  let attempt = 0;
  let everConnected = false;
  let leaving = false;
  let offlineTimer;

  window.addEventListener("pagehide", () => {
    leaving = true;
  });

  const showOffline = () => {
    clearTimeout(offlineTimer);
    offlineTimer = setTimeout(() => {
      if (!leaving) status.hidden = false;
    }, OFFLINE_GRACE_MS);
  };
  const showOnline = () => {
    clearTimeout(offlineTimer);
    status.hidden = true;
  };

  // <html data-live="..."> says where the connection stands: connecting, subscribed or offline.
  const root = document.documentElement;

  function connect() {
    const socket = new WebSocket(url);
    let subscribed = 0;
    root.dataset.live = "connecting";
    socket.addEventListener("open", () => {
      attempt = 0;
      showOnline();
      topics.forEach((topic) => socket.send(JSON.stringify({ type: "subscribe", topic })));
      if (everConnected) refreshRegions().catch(() => {});
      everConnected = true;
    });
    socket.addEventListener("message", (message) => {
      let payload;
      try {
        payload = JSON.parse(message.data);
      } catch {
        return;
      }
      if (payload.type === "subscribed" && ++subscribed === topics.length) root.dataset.live = "subscribed";
      if (payload.type === "event" && handlers[payload.event]) {
        handlers[payload.event](payload.data, payload.topic).catch(() => {});
      }
    });
    socket.addEventListener("close", () => {
      if (leaving) return;
      root.dataset.live = "offline";
      showOffline();
      setTimeout(connect, backoff(attempt++));
    });
  }

  connect();
}
