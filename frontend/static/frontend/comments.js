// The conversation on the idea page. New comments and replies appear live in their place, with a
// highlight that fades, without moving what the reader is reading and without taking focus; changed
// ones update in place; the count and the pinned official response follow. A reply form opens under
// the comment; comments are posted through the API without a reload (the plain forms work without
// JavaScript). The follow button toggles through the API. Cards on lists keep their comment count.

import { announce, phrase } from "./announce.js";
import { onEvent } from "./live.js";
import { enhanceMentions } from "./mentions.js";
import { enhancePreview } from "./preview.js";

const thread = document.getElementById("thread");
const pin = document.getElementById("official-response");
const posted = new Set(); // ids of comments this page posted: the live echo does not add them twice

function enhance(root) {
  root.querySelectorAll("textarea[data-preview-url]").forEach(enhancePreview);
  root.querySelectorAll("textarea[data-mentions-url]").forEach(enhanceMentions);
}

function csrfOf(form) {
  return form.querySelector("[name=csrfmiddlewaretoken]").value;
}

function counted(element, n) {
  const text = (n === 1 ? element.dataset.one : element.dataset.many).replace("{n}", n);
  if (element.textContent !== text) element.textContent = text;
}

async function fragment(id, query = "") {
  const url = thread.dataset.fragmentUrl.replace(/\/0\/$/, `/${id}/`) + query;
  const response = await fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  if (!response.ok) return null;
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  return template.content.firstElementChild;
}

// Change the page without moving what the reader sees: the first thing of the conversation on
// screen stays where it was (Chromium's scroll anchoring may already have done it: then nothing moves).
function keepingPlace(change) {
  const candidates = document.querySelectorAll("#comments article, #comments .comment-box, #comments .pager, .site-footer");
  const anchor = [...candidates].find((element) => {
    const box = element.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  });
  const before = anchor?.getBoundingClientRect().top;
  change();
  if (anchor?.isConnected) {
    const moved = anchor.getBoundingClientRect().top - before;
    if (moved) window.scrollBy(0, moved);
  }
}

// Whether a new comment belongs on this page of the thread: a reply under a parent shown here; a
// top-level comment at the end (oldest first, last page) or at the top (newest first, first page).
function placeFor(data) {
  if (data.parent) return document.getElementById(`comment-${data.parent}`) ? "reply" : null;
  if (thread.dataset.order === "newest") return thread.dataset.firstPage === "true" ? "top" : null;
  return thread.dataset.lastPage === "true" ? "end" : null;
}

function insert(item, data, where) {
  if (where === "reply") {
    const parent = document.getElementById(`comment-${data.parent}`);
    let replies = parent.querySelector(":scope > ol.replies");
    if (!replies) {
      replies = document.createElement("ol");
      replies.className = "replies";
      parent.append(replies);
    }
    replies.append(item);
  } else if (where === "top") {
    thread.prepend(item);
  } else {
    thread.append(item);
  }
  document.getElementById("no-comments")?.remove();
}

function showCount(n) {
  const heading = document.querySelector("[data-comment-count]");
  if (heading && n !== undefined) counted(heading, n);
}

async function refreshPin(data) {
  if (!pin) return;
  const shown = pin.querySelector("[data-official-id]")?.dataset.officialId;
  if (data.official && !data.deleted) {
    const fresh = await fragment(data.id, "?pinned=1");
    if (fresh) keepingPlace(() => pin.replaceChildren(fresh));
  } else if (shown === String(data.id)) {
    keepingPlace(() => pin.replaceChildren());
  }
}

// Comment events are applied one after another, in the order they came: a fragment that arrives late
// never puts a later comment (or reply) before an earlier one.
let applying = Promise.resolve();
function inTurn(handler) {
  return (data) => {
    const turn = applying.then(() => handler(data));
    applying = turn.catch(() => {});
    return turn;
  };
}

if (thread) {
  onEvent("comment.created", inTurn(async (data) => {
    showCount(data.comment_count);
    const where = placeFor(data);
    if (!where || posted.has(data.id) || document.getElementById(`comment-${data.id}`)) return;
    const item = await fragment(data.id);
    if (!item || posted.has(data.id) || document.getElementById(`comment-${data.id}`) || !placeFor(data)) return;
    item.classList.add("is-new");
    item.addEventListener("animationend", () => item.classList.remove("is-new"), { once: true });
    keepingPlace(() => insert(item, data, where));
    const name = item.querySelector("article")?.dataset.authorName || "";
    announce(phrase("newComment", { name }));
  }));

  onEvent("comment.changed", inTurn(async (data) => {
    showCount(data.comment_count);
    const item = document.getElementById(`comment-${data.id}`);
    if (item) {
      const fresh = await fragment(data.id);
      const article = item.querySelector(":scope > article");
      const freshArticle = fresh?.querySelector(":scope > article");
      if (article && freshArticle) {
        const hadFocus = article.contains(document.activeElement);
        keepingPlace(() => article.replaceWith(freshArticle));
        if (hadFocus) {
          freshArticle.tabIndex = -1;
          freshArticle.focus({ preventScroll: true });
        }
      }
    }
    await refreshPin(data);
  }));
}

// Back online after a lost connection: the comments written or changed meanwhile are fetched with
// the page as it is now and put in their places, as if their events had come.
async function catchUp() {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  let lastTop = null;
  fresh.querySelectorAll("#thread .comment-item").forEach((item) => {
    const here = document.getElementById(item.id);
    const article = item.querySelector(":scope > article");
    if (here) {
      const mine = here.querySelector(":scope > article");
      if (mine && mine.dataset.version !== article.dataset.version) {
        keepingPlace(() => mine.replaceWith(document.importNode(article, true)));
      }
      if (!item.dataset.parent) lastTop = here;
      return;
    }
    const copy = document.importNode(item, true);
    copy.querySelector(":scope > ol.replies")?.remove(); // the replies come next in this same walk
    const data = { id: Number(item.dataset.commentId), parent: Number(item.dataset.parent) || null };
    const where = placeFor(data);
    if (!where) return;
    copy.classList.add("is-new");
    copy.addEventListener("animationend", () => copy.classList.remove("is-new"), { once: true });
    keepingPlace(() => {
      if (where === "top" && lastTop) lastTop.after(copy);
      else insert(copy, data, where);
    });
    if (!data.parent) lastTop = copy;
  });
}

if (thread) {
  let wasOffline = false;
  new MutationObserver(() => {
    const state = document.documentElement.dataset.live;
    if (state === "offline") wasOffline = true;
    if (state === "subscribed" && wasOffline) {
      wasOffline = false;
      catchUp().catch(() => {});
    }
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-live"] });
}

// Cards on the lists: the comment count follows (on reconnect, the list's own refetch covers it).
onEvent("comment_count.changed", async (data) => {
  document.querySelectorAll(`[data-comment-count-of="${data.id}"]`).forEach((element) => counted(element, data.comment_count));
});

// --- Writing ------------------------------------------------------------------------------------

function showErrors(form, data) {
  const box = form.querySelector("[data-form-errors]");
  const messages = data?.fields ? Object.values(data.fields).flat() : [data?.detail || phrase("commentFailed")];
  box.replaceChildren(...messages.map((message) => Object.assign(document.createElement("p"), { textContent: message })));
}

async function postComment(form) {
  const textarea = form.querySelector("textarea[name=body]");
  const parent = form.querySelector("[name=parent]")?.value;
  const button = form.querySelector("button[type=submit]");
  form.querySelector("[data-form-errors]")?.replaceChildren();
  button.disabled = true;
  let response;
  try {
    response = await fetch(form.dataset.commentsApi, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfOf(form) },
      body: JSON.stringify({ body: textarea.value, parent: parent ? Number(parent) : null }),
      credentials: "same-origin",
    });
  } catch {
    form.submit(); // the network failed: the plain form tries, and keeps what was typed on error
    return;
  } finally {
    button.disabled = false;
  }
  const data = await response.json().catch(() => null);
  if (!response.ok || !data) {
    if (response.status === 401 || response.status === 403) {
      form.submit(); // signed out meanwhile: the page's own answer (sign in, or why not)
      return;
    }
    showErrors(form, data);
    textarea.focus();
    return;
  }
  posted.add(data.id);
  const event = { id: data.id, parent: data.parent };
  const where = placeFor(event);
  if (!where) {
    window.location.assign(data.url); // it belongs on another page of the thread
    return;
  }
  const item = document.getElementById(`comment-${data.id}`) || (await fragment(data.id));
  if (form.classList.contains("reply-form")) form.remove();
  else {
    textarea.value = "";
    form.dispatchEvent(new Event("reset-write"));
  }
  if (!item) return;
  if (!item.isConnected) insert(item, event, where);
  const article = item.querySelector(":scope > article");
  article.tabIndex = -1;
  article.focus();
}

function openReply(link) {
  const item = link.closest(".comment-item");
  const template = document.getElementById("reply-template");
  if (!item || !template) return;
  const open = document.querySelector(".reply-form");
  if (open && open.closest(".comment-item") === item) {
    open.querySelector("textarea").focus();
    return;
  }
  open?.remove();
  const form = template.content.firstElementChild.cloneNode(true);
  form.querySelector("[name=parent]").value = link.dataset.reply;
  form.querySelector("label").textContent = template.dataset.label.replace("{name}", link.dataset.replyName);
  item.querySelector(":scope > article").after(form);
  enhance(form);
  form.querySelector("textarea").focus();
  form.querySelector("[data-cancel-reply]").addEventListener("click", () => {
    form.remove();
    link.focus();
  });
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-reply]");
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  openReply(link);
});

// --- Follow -------------------------------------------------------------------------------------

async function follow(form) {
  const button = form.querySelector("button");
  const following = button.getAttribute("aria-pressed") === "true";
  let response;
  try {
    response = await fetch(form.dataset.followApi, {
      method: following ? "DELETE" : "PUT",
      headers: { Accept: "application/json", "X-CSRFToken": csrfOf(form) },
      credentials: "same-origin",
    });
  } catch {
    form.submit();
    return;
  }
  const data = await response.json().catch(() => null);
  if (!response.ok || !data) {
    form.submit(); // the page says why (signed out, gone, too fast)
    return;
  }
  button.setAttribute("aria-pressed", String(data.following));
  button.textContent = data.following ? button.dataset.labelOn : button.dataset.labelOff;
  form.querySelector("[name=follow]").value = data.following ? "0" : "1";
  counted(form.querySelector(".follower-count"), data.follower_count);
  announce(phrase(data.following ? "followed" : "unfollowed"), { now: true });
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.matches("form.comment-form[data-comments-api]")) {
    event.preventDefault();
    postComment(form);
  } else if (form.matches("form.follow") && !form.hasAttribute("data-signed-out")) {
    event.preventDefault();
    follow(form);
  }
});

// A link to a comment on a later page of a long thread (a notification's #comment-12): the page
// that holds its conversation.
const target = /^#comment-(\d+)$/.exec(window.location.hash);
const here = new URLSearchParams(window.location.search);
if (thread && target && !document.getElementById(`comment-${target[1]}`) && !here.has("comment")) {
  if (thread.dataset.lastPage !== "true" || thread.dataset.firstPage !== "true") {
    const url = new URL(window.location.pathname, window.location.origin);
    url.searchParams.set("order", thread.dataset.order);
    url.searchParams.set("comment", target[1]);
    url.hash = target[0];
    window.location.replace(url);
  }
}

enhance(document);
