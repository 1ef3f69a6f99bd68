// The early warning at the top of the moderation queue: on alert.raised (or alert.acknowledged) on the
// `moderation` topic, the alerts region (#moderation-alerts) is refetched in place, and a new alert is
// said in the page's live region in the page's own words (its text as the server rendered it).

import { announce } from "./announce.js";
import { onEvent, refreshRegions } from "./live.js";

async function refreshAlerts() {
  if (!document.getElementById("moderation-alerts")) return false;
  await refreshRegions();
  return true;
}

onEvent("alert.raised", async (data) => {
  if (!(await refreshAlerts())) return;
  const said = document.querySelector(`#alert-${data.id} .alert-what`);
  if (said) announce(said.textContent.replace(/\s+/g, " ").trim());
});

onEvent("alert.acknowledged", async () => {
  await refreshAlerts();
});
