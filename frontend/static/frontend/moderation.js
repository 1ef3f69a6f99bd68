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
