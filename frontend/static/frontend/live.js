// The live client: one WebSocket per page, subscribed to the topics the page names in
// <body data-live-topics="...">. It applies events to what the page shows, in place, so focus and
// the reader's place stay where they were; says what changed in the page's one live region;
// reconnects with exponential backoff and jitter (1 s doubling to 30 s), shows an "Offline" banner
// meanwhile, and refetches the page's live regions once it is back.

import { announce, phrase } from "./announce.js";

const FIRST_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
const HEALTHY_AFTER_MS = 10_000;
const OFFLINE_GRACE_MS = 1_000;

function backoff(attempt) {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2); // "equal jitter": spread, never zero
}

export async function fetchHTML(url) {
  const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  if (response.status === 204 || response.status === 404) return { status: response.status, html: "" };
  if (!response.ok) throw new Error(`${response.status} from ${url}`);
  return { status: response.status, html: await response.text() };
}

export function elementFrom(html) {
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
    (ideaId && document.querySelector(`#card-${ideaId} a`)) ||
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

// Bring every live region of this page up to date with the server, in place. Returns the page as
// fetched (null if there was none), for a caller that takes more from it.
async function refreshRegions() {
  const { html } = await fetchHTML(window.location.href);
  if (!html) return null;
  const fresh = new DOMParser().parseFromString(html, "text/html");
  applyRegions(fresh);
  return fresh;
}

// A thread closed meanwhile (locked by a moderator, or merged): the comment box becomes the sentence
// saying why, as the page fetched again has it.
export function closeComments(fresh) {
  const box = document.getElementById("comment-form");
  const closed = fresh?.getElementById("comment-form");
  if (box && closed && closed.hasAttribute("data-comments-closed") && !box.hasAttribute("data-comments-closed")) {
    box.replaceWith(document.importNode(closed, true));
  }
}

// The idea was hidden by moderation, or its topic refused after the server checked again who may
// see it: the page reads itself again. Its author and staff get it with the notice saying why; anyone
// else gets the placeholder (answered as 404) in place of the idea and its conversation; a deleted
// idea says it is gone.
function showGone(article) {
  const gone = document.getElementById("idea-gone");
  gone.hidden = false;
  article.classList.add("is-gone");
  announce(gone.textContent.trim());
}

async function rereadIdeaPage(article) {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  const placeholder = fresh.querySelector("[data-hidden-placeholder]");
  if (placeholder) {
    const main = document.getElementById("main");
    const hadFocus = main.contains(document.activeElement);
    main.replaceChildren(...[...fresh.getElementById("main").childNodes].map((node) => document.importNode(node, true)));
    if (hadFocus) main.focus({ preventScroll: true });
    announce(placeholder.querySelector(".placeholder")?.textContent.trim() || "");
  } else if (response.status === 404) {
    showGone(article);
  } else if (response.ok) {
    applyRegions(fresh);
    closeComments(fresh);
    announce(fresh.querySelector(".moderation-notice-head")?.textContent.trim().replace(/\s+/g, " ") || "");
  }
}

function applyRegions(fresh) {
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

// An idea changed: its card on a list is refetched (and leaves the list if it no longer matches the
// list's filters), the idea's own page refetches its live regions. `said(title)` is what the live
// region says about it (by default "<title> was updated.").
export async function updateIdea(data, said = (title) => phrase("changed", { title })) {
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
        announce(said(titleOf(data.id) || title));
      } else {
        removeCard(card); // it no longer matches the list's filters
        announce(phrase("removed", { title }));
      }
    }
  }
  const article = document.querySelector(`article[data-idea-id="${data.id}"]`);
  if (article) {
    if (data.deleted) {
      showGone(article);
    } else if (data.hidden) {
      await rereadIdeaPage(article);
    } else {
      closeComments(await refreshRegions());
      announce(said(titleOf(data.id) || title));
    }
  }
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

  // The idea itself changed (an edit) or was deleted; votes come as vote.changed.
  async "idea.changed"(data) {
    await updateIdea(data);
  },
};

// The server no longer lets this page listen to an idea it shows (hidden by moderation, or deleted):
// the page reads itself again, once.
function refusedTopic(topic) {
  const id = /^idea:(\d+)$/.exec(topic || "")?.[1];
  const article = id && document.querySelector(`article[data-idea-id="${id}"]:not([data-hidden-placeholder])`);
  if (article && !article.classList.contains("is-gone")) rereadIdeaPage(article).catch(() => {});
}

// Other modules (comments, the bell) handle their own events: onEvent("comment.created", fn).
export function onEvent(name, handler) {
  handlers[name] = handler;
}

// Refetch what the page shows, in place (after a change that the page cannot apply by itself).
export { refreshRegions };

// The connection: a socket counts as healthy only once it has stayed open HEALTHY_AFTER_MS, so one
// that the server closes at once (4013 while Redis is down) does not reset the backoff. Once every
// topic has its answer again after a lost connection, the page refetches what it shows: the events
// sent meanwhile are caught up, and those sent from then on arrive.
export function startLive(topics) {
  const status = document.getElementById("live-status");
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  const url = `${scheme}://${window.location.host}/ws/live/`;
  let failures = 0; // connections in a row that failed or did not stay up long enough
  let missed = false; // a connection attempt failed or dropped since the page last had every topic
  let leaving = false;
  let offlineTimer = null;

  window.addEventListener("pagehide", () => {
    leaving = true;
  });

  // The banner (role=status, so its words are said) shows only after a failed attempt, and only if
  // the next one does not succeed within a moment.
  const showOffline = () => {
    if (offlineTimer !== null || status.textContent) return;
    offlineTimer = setTimeout(() => {
      offlineTimer = null;
      if (!leaving) status.textContent = phrase("offline");
    }, OFFLINE_GRACE_MS);
  };
  const showOnline = () => {
    clearTimeout(offlineTimer);
    offlineTimer = null;
    const wasShown = Boolean(status.textContent);
    status.textContent = "";
    return wasShown;
  };

  // <html data-live="..."> says where the connection stands: connecting, subscribed or offline.
  const root = document.documentElement;

  function connect() {
    const socket = new WebSocket(url);
    const answered = new Set();
    let subscribed = 0;
    let healthyTimer;
    root.dataset.live = "connecting";
    socket.addEventListener("open", () => {
      healthyTimer = setTimeout(() => {
        failures = 0;
      }, HEALTHY_AFTER_MS);
      topics.forEach((topic) => socket.send(JSON.stringify({ type: "subscribe", topic })));
    });
    socket.addEventListener("message", (message) => {
      let payload;
      try {
        payload = JSON.parse(message.data);
      } catch {
        return;
      }
      if (payload.type === "subscribed" && ++subscribed === topics.length) root.dataset.live = "subscribed";
      if ((payload.type === "subscribed" || payload.type === "error") && topics.includes(payload.topic)) {
        answered.add(payload.topic);
        if (answered.size === topics.length) settled();
      }
      if (payload.type === "error" && payload.code === "forbidden") refusedTopic(payload.topic);
      if (payload.type === "event" && handlers[payload.event]) {
        handlers[payload.event](payload.data, payload.topic).catch(() => {});
      }
    });
    socket.addEventListener("close", () => {
      clearTimeout(healthyTimer);
      if (leaving) return;
      root.dataset.live = "offline";
      missed = true;
      showOffline();
      setTimeout(connect, backoff(failures++));
    });
  }

  function settled() {
    const wasShown = showOnline();
    if (!missed) return;
    missed = false;
    refreshRegions()
      .then(() => {
        if (wasShown) announce(phrase("online"));
      })
      .catch(() => {});
  }

  connect();
}
