// The member's own notifications, live on their topic user:<id> (every page of a signed-in member
// watches it): the bell's count and its label in words change in place; a new notification is said
// politely; on the notifications page a new one appears at the top of today, and counting up or
// reading elsewhere redraws the list in place.

import { announce, phrase } from "./announce.js";
import { elementFrom, fetchHTML, onEvent, refreshRegions } from "./live.js";

function showUnread(unread) {
  const bell = document.getElementById("bell");
  if (!bell || typeof unread !== "number") return;
  const count = document.getElementById("bell-count");
  count.textContent = String(unread);
  count.hidden = unread === 0;
  const label = unread ? bell.dataset.labelSome.replace("{n}", unread) : bell.dataset.labelNone;
  if (bell.getAttribute("aria-label") !== label) bell.setAttribute("aria-label", label);
}

function onListPage() {
  return document.querySelector("[data-live-notifications]");
}

async function showNewNotification(id) {
  const list = onListPage();
  if (!list || document.getElementById(`notification-${id}`)) return;
  const today = document.getElementById("notifications-today");
  if (!today) {
    await refreshRegions(); // no "Today" yet: the server draws the day's heading too
    document.getElementById(`notification-${id}`)?.classList.add("is-new");
    return;
  }
  const url = new URL(list.dataset.itemUrl.replace(/\/0\/item\/$/, `/${id}/item/`), window.location.origin);
  const { html } = await fetchHTML(url);
  if (!html || document.getElementById(`notification-${id}`)) return;
  const item = elementFrom(html);
  item.classList.add("is-new");
  today.prepend(item);
}

onEvent("notification.created", async (data) => {
  showUnread(data.unread);
  announce(phrase("newNotification", { n: data.unread }));
  await showNewNotification(data.id);
});

// One counted up (another comment on a followed idea): its words and place change.
onEvent("notification.changed", async (data) => {
  showUnread(data.unread);
  if (onListPage()) await refreshRegions();
});

// Read elsewhere: another tab, the API, opening the comment.
onEvent("notification.read", async (data) => {
  showUnread(data.unread);
  if (onListPage()) await refreshRegions();
});
