// The live client: one WebSocket per page, subscribed to the topics the page names in
// <body data-live-topics="...">. It applies events to what the page shows, in place, so focus and
// the reader's place stay where they were; says what changed in the page's one live region;
// reconnects with exponential backoff and jitter, and refetches the page's live regions after a reconnect.

import { announce, phrase } from "./announce.js";

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

// --- Updating in place -------------------------------------------------------------------------
// The server renders; the client copies what changed into the nodes already on the page instead of
// replacing them, so the element that has focus (a vote button, a link) is still there afterwards.

function syncAttributes(current, fresh) {
  [...current.attributes].forEach(({ name }) => {
    if (!fresh.hasAttribute(name)) current.removeAttribute(name);
  });
  [...fresh.attributes].forEach(({ name, value }) => {
    if (current.getAttribute(name) !== value) current.setAttribute(name, value);
  });
}

function sameKind(a, b) {
  return a.nodeType === b.nodeType && a.nodeName === b.nodeName && (a.id || "") === (b.id || "");
}

function patch(current, fresh) {
  if (!sameKind(current, fresh)) {
    current.replaceWith(fresh);
    return;
  }
  if (current.nodeType === Node.TEXT_NODE || current.nodeType === Node.COMMENT_NODE) {
    if (current.nodeValue !== fresh.nodeValue) current.nodeValue = fresh.nodeValue;
    return;
  }
  if (current.nodeType !== Node.ELEMENT_NODE) return;
  // Inputs stay as they are: the page's own "next" address and CSRF token, and whatever was typed.
  if (current.nodeName === "INPUT" || current.nodeName === "TEXTAREA" || current.nodeName === "SELECT") return;
  syncAttributes(current, fresh);
  patchChildren(current, fresh);
}

// Children with an id (cards in a list) are matched by id, the others by position.
function patchChildren(parent, freshParent) {
  const freshNodes = [...freshParent.childNodes];
  const freshIds = new Set(freshNodes.filter((node) => node.id).map((node) => node.id));
  const existing = new Map([...parent.children].filter((child) => child.id).map((child) => [child.id, child]));
  let cursor = parent.firstChild;
  const dropStale = () => {
    while (cursor && cursor.id && !freshIds.has(cursor.id)) {
      const stale = cursor;
      cursor = cursor.nextSibling;
      stale.remove();
    }
  };
  freshNodes.forEach((node) => {
    dropStale();
    const keyed = node.id ? existing.get(node.id) : null;
    if (keyed) {
      if (keyed === cursor) cursor = cursor.nextSibling;
      else parent.insertBefore(keyed, cursor);
      patch(keyed, node);
    } else if (cursor && !cursor.id && sameKind(cursor, node)) {
      const here = cursor;
      cursor = cursor.nextSibling;
      patch(here, node);
    } else {
      parent.insertBefore(node, cursor);
    }
  });
  dropStale();
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
}

// Make `current` look like `fresh`, keeping focus where it was. If the focused control is gone or
// now disabled (voting closed meanwhile), focus goes to what says why, else to the idea's title,
// else to the main region: never to <body>.
function morph(current, fresh) {
  const focused = document.activeElement;
  const ideaId = focused?.closest?.("[data-idea-id]")?.dataset.ideaId;
  patch(current, fresh);
  if (!focused || focused === document.body) return;
  if (focused.isConnected && !focused.disabled) {
    if (document.activeElement !== focused) focused.focus({ preventScroll: true });
    return;
  }
  const why = ideaId && document.getElementById(`vote-why-${ideaId}`);
  const target =
    why ||
    (ideaId && document.querySelector(`#idea-${ideaId} .idea-title a`)) ||
    (ideaId && document.querySelector(`article[data-idea-id="${ideaId}"] h1`)) ||
    document.getElementById("main");
  if (target !== document.getElementById("main") && !target.matches("a, button, input, select, textarea")) {
    target.tabIndex = -1;
  }
  target.focus({ preventScroll: true });
}

// Remove a card; if focus was in it, it goes to the next card (or the one before, or the list).
function removeCard(card) {
  if (card.contains(document.activeElement)) {
    const neighbour = card.nextElementSibling || card.previousElementSibling;
    const target = neighbour?.querySelector(".idea-title a") || document.getElementById("main");
    card.remove();
    target.focus({ preventScroll: true });
  } else {
    card.remove();
  }
}

// --- What the page shows about an idea ---------------------------------------------------------

function titleOf(id) {
  const heading =
    document.querySelector(`#idea-${id} .idea-title a`) || document.querySelector(`article[data-idea-id="${id}"] h1`);
  return heading ? heading.textContent.trim() : "";
}

function fill(element, value) {
  const text = element.dataset.template.replace("{n}", value);
  if (element.textContent !== text) element.textContent = text;
}

// New counts for an idea, wherever the page shows it; nothing moves, so the reader keeps their place.
// Returns whether anything the page showed changed.
export function showCounts(data) {
  let changed = false;
  document.querySelectorAll(`form.vote[data-idea-id="${data.id}"]`).forEach((form) => {
    const score = form.querySelector("[data-score]");
    if (score && score.textContent !== String(data.score)) {
      score.textContent = data.score;
      changed = true;
    }
    const up = form.querySelector("[data-upvotes]");
    const down = form.querySelector("[data-downvotes]");
    if (up && data.upvotes !== undefined) fill(up, data.upvotes);
    if (down && data.downvotes !== undefined) fill(down, data.downvotes);
  });
  return changed;
}

export function scorePhrase(key, data) {
  return phrase(key, {
    title: titleOf(data.id),
    score: data.score,
    up: data.upvotes,
    down: data.downvotes,
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

// Bring every live region of this page up to date with the server, in place.
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
    morph(region, document.importNode(replacement, true));
  });
}

// Ideas the reader is voting on right now: the echo of their own vote is not said as someone else's.
export const votingOn = new Set();

const handlers = {
  async "vote.changed"(data) {
    if (showCounts(data) && !votingOn.has(String(data.id))) announce(scorePhrase("score", data));
  },

  async "idea.created"(data) {
    const list = document.querySelector("[data-live-newest]");
    if (!list || document.getElementById(`idea-${data.id}`)) return;
    const { html } = await fetchHTML(cardUrl(list, data.id, { new: "1" }));
    if (!html || document.getElementById(`idea-${data.id}`)) return;
    list.prepend(elementFrom(html));
    document.getElementById("no-ideas")?.remove();
    announce(phrase("newIdea", { title: titleOf(data.id) }));
  },

  // The idea itself changed (edit, status) or was deleted; votes come as vote.changed.
  async "idea.changed"(data) {
    const title = titleOf(data.id);
    const card = document.getElementById(`idea-${data.id}`);
    if (card) {
      const list = card.closest("[data-card-url]") || document.querySelector("[data-card-url]");
      if (data.deleted) {
        removeCard(card);
        announce(phrase("removed", { title }));
      } else if (list) {
        const { html } = await fetchHTML(cardUrl(list, data.id, card.classList.contains("is-new") ? { new: "1" } : {}));
        if (!card.isConnected) return;
        if (html) {
          morph(card, elementFrom(html));
          announce(phrase("changed", { title: titleOf(data.id) || title }));
        } else {
          removeCard(card); // it no longer matches the list's filters
          announce(phrase("removed", { title }));
        }
      }
    }
    const article = document.querySelector(`article[data-idea-id="${data.id}"]`);
    if (article) {
      if (data.deleted) {
        const gone = document.getElementById("idea-gone");
        gone.hidden = false;
        article.classList.add("is-gone");
        announce(gone.textContent.trim());
      } else {
        await refreshRegions();
        announce(phrase("changed", { title: titleOf(data.id) || title }));
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
  let saidOffline = false;

  window.addEventListener("pagehide", () => {
    leaving = true;
  });

  const showOffline = () => {
    clearTimeout(offlineTimer);
    offlineTimer = setTimeout(() => {
      if (leaving) return;
      status.hidden = false;
      if (!saidOffline) announce(phrase("offline"));
      saidOffline = true;
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
      if (everConnected) {
        refreshRegions()
          .then(() => {
            if (saidOffline) announce(phrase("online"));
            saidOffline = false;
          })
          .catch(() => {});
      }
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
