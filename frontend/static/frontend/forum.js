// Idea Forum's browser client: small, no build step, loaded as a module (CSP allows only 'self').
// Pages work fully without it; it adds live updates and conveniences on top.

import { showCounts, startLive } from "./live.js";

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

// Vote buttons: without JavaScript they are forms; with it, the API, and no reload.
async function vote(form, button) {
  const pressed = button.getAttribute("aria-pressed") === "true";
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;
  form.classList.add("is-busy");
  form.querySelector(".vote-error")?.remove();
  try {
    const response = await fetch(form.dataset.voteApi, {
      method: pressed ? "DELETE" : "PUT",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
      body: pressed ? null : JSON.stringify({ value: Number(button.value) }),
      credentials: "same-origin",
    });
    const data = await response.json();
    if (!response.ok) {
      const error = document.createElement("p");
      error.className = "vote-error";
      error.setAttribute("role", "alert");
      error.textContent = data.detail;
      form.append(error);
      return;
    }
    showCounts(data);
    document.querySelectorAll(`form.vote[data-idea-id="${data.id}"]`).forEach((each) => {
      each.querySelector(".vote-up").setAttribute("aria-pressed", String(data.my_vote === 1));
      each.querySelector(".vote-down").setAttribute("aria-pressed", String(data.my_vote === -1));
    });
  } catch {
    form.submit(); // the network failed: fall back to the plain form
  } finally {
    form.classList.remove("is-busy");
  }
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
