// Idea Forum's browser client: small, no build step, loaded as a module (CSP allows only 'self').
// Pages work fully without it; it adds live updates and conveniences on top.

import { announce, phrase } from "./announce.js";
import "./bell.js";
import { scorePhrase, showCounts, startLive, votingOn } from "./live.js";
import "./comments.js";
import "./moderation.js";
import "./pipeline.js";
import "./alerts.js";

const debounce = (fn, ms) => {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
};

// While a member types a title, show existing ideas like it, to prevent duplicates.
function similarIdeas(form) {
  const input = form.querySelector('input[name="title"]');
  const panel = form.querySelector("#similar-ideas");
  if (!input || !panel) return;
  const list = panel.querySelector("ul");
  let latest = 0;
  let shown = ""; // the ideas last listed: the same ones found again are not announced again

  const lookup = debounce(async () => {
    const title = input.value.trim();
    const ticket = ++latest;
    if (title.length < 4) {
      panel.hidden = true;
      return;
    }
    const url = new URL(form.dataset.similarUrl, window.location.origin);
    url.searchParams.set("title", title);
    if (form.dataset.exclude) url.searchParams.set("exclude", form.dataset.exclude);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (!response.ok || ticket !== latest) return;
      const ideas = await response.json();
      list.replaceChildren(
        ...ideas.map((idea) => {
          const item = document.createElement("li");
          const link = document.createElement("a");
          link.href = idea.url;
          link.textContent = idea.title;
          link.target = "_blank";
          const status = document.createElement("span");
          status.className = `badge status-${idea.status}`;
          status.textContent = idea.status_label;
          item.append(link, " ", status);
          return item;
        }),
      );
      panel.hidden = ideas.length === 0;
      const found = ideas.map((idea) => idea.id).join(",");
      if (ideas.length && found !== shown) {
        announce(ideas.length === 1 ? panel.dataset.foundOne : panel.dataset.foundMany.replace("{n}", ideas.length));
      }
      shown = found;
    } catch {
      panel.hidden = true;
    }
  }, 250);

  input.addEventListener("input", lookup);
  if (input.value) lookup();
}

document.querySelectorAll("form[data-similar-url]").forEach(similarIdeas);

// A submitted form with errors: focus goes to its summary, and a link there puts focus in the field
// (scrolled so that its label shows), as GOV.UK's error summary does.
const summary = document.querySelector("[data-error-summary]");
if (summary) {
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    (document.querySelector(`label[for="${field.id}"]`) || field).scrollIntoView({ block: "start" });
    field.focus({ preventScroll: true });
  });
}

// Messages from the server (a vote counted after signing in, a saved profile) are said once the page is up.
const messageList = document.getElementById("messages");
if (messageList) {
  setTimeout(() => announce(messageList.textContent.replace(/\s+/g, " ").trim(), { now: true }), 500);
}

// Why a vote was refused, in words a member understands, in the idea's own feedback line (in the
// flow of the card or page, never over the idea's text). A session that has ended gets a sign-in link.
function refusal(response, data) {
  const box = document.createElement("p");
  box.className = "vote-error";
  box.setAttribute("role", "alert");
  const code = data?.code;
  if (response.status === 401 || code === "not_authenticated" || code === "authentication_failed") {
    const link = document.createElement("a");
    const url = new URL(phrase("signInUrl"), window.location.origin);
    url.searchParams.set("next", window.location.pathname + window.location.search);
    link.href = url.pathname + url.search;
    link.textContent = phrase("signIn");
    box.append(phrase("signedOut"), " ", link);
    // From now on the buttons are the visitor's plain form: sign in, and the vote is cast after.
    document.querySelectorAll("form.vote").forEach((form) => form.setAttribute("data-signed-out", ""));
  } else if (code === "own_idea" || code === "voting_closed") {
    box.textContent = data.detail; // the server's own sentence, in the member's language
  } else if (response.status === 404) {
    box.textContent = phrase("voteGone");
  } else if (response.status === 429) {
    box.textContent = phrase("voteBusy");
  } else {
    box.textContent = phrase("voteFailed");
  }
  return box;
}

function feedbackFor(form) {
  const holder = form.closest(".idea-card, article") || document;
  return holder.querySelector(`[data-vote-feedback="${form.dataset.ideaId}"]`);
}

// Vote buttons: without JavaScript they are forms; with it, the API, and no reload.
async function vote(form, button) {
  const pressed = button.getAttribute("aria-pressed") === "true";
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  const feedback = feedbackFor(form);
  form.classList.add("is-busy");
  feedback?.querySelector(".vote-error")?.remove();
  votingOn.add(form.dataset.ideaId);
  let response;
  try {
    response = await fetch(form.dataset.voteApi, {
      method: pressed ? "DELETE" : "PUT",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: pressed ? null : JSON.stringify({ value: Number(button.value) }),
      credentials: "same-origin",
    });
  } catch {
    // The network failed: fall back to the plain form, with the value of the button pressed.
    const value = Object.assign(document.createElement("input"), { type: "hidden", name: "value", value: button.value });
    form.append(value);
    form.submit();
    return;
  } finally {
    form.classList.remove("is-busy");
  }
  const data = await response.json().catch(() => null);
  votingOn.delete(form.dataset.ideaId); // from here on, the counts on the page are this answer's
  if (!response.ok || !data) {
    const box = refusal(response, data);
    if (feedback) feedback.append(box);
    else form.after(box);
    return;
  }
  showCounts(data);
  document.querySelectorAll(`form.vote[data-idea-id="${data.id}"]`).forEach((each) => {
    each.querySelector(".vote-up").setAttribute("aria-pressed", String(data.my_vote === 1));
    each.querySelector(".vote-down").setAttribute("aria-pressed", String(data.my_vote === -1));
  });
  const said = data.my_vote === 1 ? "votedUp" : data.my_vote === -1 ? "votedDown" : "voteWithdrawn";
  announce(scorePhrase(said, data), { now: true });
}

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form.vote");
  // Signed out, the plain form takes the visitor to the sign-in page and back.
  if (!form || form.hasAttribute("data-signed-out") || !event.submitter) return;
  event.preventDefault();
  vote(form, event.submitter);
});

const liveTopics = (document.body.dataset.liveTopics || "").split(" ").filter(Boolean);
if (liveTopics.length) startLive(liveTopics);
