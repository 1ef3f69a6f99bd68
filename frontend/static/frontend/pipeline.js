// status.changed: an idea moved through the pipeline. The roadmap refetches its board and shows the
// moved card with a short highlight; an idea list refetches the card; the idea's page refetches its
// status, timeline and vote buttons (and, once merged, swaps its comment box for where the
// conversation goes on). Each says in the live region where the idea is now.

import { announce, phrase } from "./announce.js";
import { onEvent, refreshRegions, updateIdea } from "./live.js";

const HIGHLIGHT_MS = 2_000;

// The status's name in the reader's language (the announcer holds every one: data-status-<value>).
function statusLabel(value) {
  return document.getElementById("announcer")?.getAttribute(`data-status-${value}`) || value;
}

function highlight(card) {
  card.classList.add("is-moved");
  setTimeout(() => card.classList.remove("is-moved"), HIGHLIGHT_MS);
}

async function moveOnRoadmap(data, said) {
  await refreshRegions();
  const card = document.getElementById(`card-${data.id}`);
  if (card) highlight(card);
  announce(said(data.title));
}

onEvent("status.changed", async (data) => {
  const said = (title) => phrase("statusChanged", { title, status: statusLabel(data.status) });
  if (document.getElementById("roadmap-board")) {
    await moveOnRoadmap(data, said);
    return;
  }
  await updateIdea(data, said);
});
