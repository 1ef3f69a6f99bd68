// The moderation queue, live: on queue.changed (a flag, an appeal, a decision) the queue reads its list
// again and morphs it in place, so a decide form being filled in keeps what was typed and its focus; a
// decided case leaves. A new flag or appeal is said politely in the page's live region.

import { announce, phrase } from "./announce.js";
import { onEvent, refreshRegions } from "./live.js";

if (document.getElementById("queue-region")) {
  onEvent("queue.changed", async (data) => {
    await refreshRegions();
    if (data.status !== "open") return;
    announce(data.appeal ? phrase("newAppeal") : phrase("newFlag"));
  });
}

// The "Flag" form under an idea or on a profile, sent without leaving the page: on success the thanks
// takes its place (said in the live region too); refused, the form comes back with its errors and what
// was typed, and focus goes to its summary. Should anything else come back, the form is sent as usual.
document.addEventListener("submit", async (event) => {
  const form = event.target.closest?.(".flag-disclosure form[data-flag-form]");
  if (!form || form.dataset.sending) return;
  event.preventDefault();
  form.dataset.sending = "1";
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { Accept: "text/html" },
    });
    // Sent, it redirects back (to a page that may now be a placeholder: the flag may have hidden it).
    if (response.redirected && !new URL(response.url).pathname.startsWith("/accounts/login/")) {
      const thanks = document.createElement("p");
      thanks.className = "message message-success";
      thanks.tabIndex = -1;
      thanks.textContent = phrase("flagged");
      form.replaceWith(thanks);
      thanks.focus();
      announce(thanks.textContent);
      return;
    }
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("form[data-flag-form]");
    if (!fresh) throw new Error(`${response.status} from ${form.action}`);
    const copy = document.importNode(fresh, true);
    form.replaceWith(copy);
    copy.querySelector("[data-error-summary]")?.focus();
  } catch {
    delete form.dataset.sending;
    form.submit();
  }
});
