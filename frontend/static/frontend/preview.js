// "Write" and "Preview" tabs on a Markdown box (the comment box, the idea form): the preview is the
// server's own rendering (POST /api/v1/preview/, the one renderer), so it is exactly what the page
// will show. The ARIA tabs pattern: arrow keys, Home and End move between the tabs.

import { phrase } from "./announce.js";

function csrfToken(element) {
  return element.closest("form")?.querySelector("[name=csrfmiddlewaretoken]")?.value || "";
}

function make(tag, attributes, text) {
  const element = document.createElement(tag);
  Object.entries(attributes).forEach(([name, value]) => element.setAttribute(name, value));
  if (text) element.textContent = text;
  return element;
}

async function render(textarea, panel) {
  const body = textarea.value;
  if (!body.trim()) {
    panel.replaceChildren(make("p", { class: "preview-empty" }, phrase("nothingToPreview")));
    return;
  }
  panel.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(textarea.dataset.previewUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrfToken(textarea) },
      body: JSON.stringify({ body, kind: textarea.dataset.previewKind || "comment" }),
      credentials: "same-origin",
    });
    const data = await response.json().catch(() => null);
    if (!response.ok || !data) {
      panel.replaceChildren(make("p", { class: "preview-error" }, data?.detail || phrase("previewFailed")));
      return;
    }
    panel.innerHTML = data.html; // the server's renderer: sanitised with its strict allowlist
  } catch {
    panel.replaceChildren(make("p", { class: "preview-error" }, phrase("previewFailed")));
  } finally {
    panel.removeAttribute("aria-busy");
  }
}

export function enhancePreview(textarea) {
  if (!textarea.dataset.previewUrl || textarea.dataset.previewReady) return;
  textarea.dataset.previewReady = "true";
  const base = textarea.id;
  const tablist = make("div", { role: "tablist", class: "write-tabs" });
  const writeTab = make("button", {
    type: "button", role: "tab", id: `${base}-write-tab`, "aria-controls": `${base}-write`, "aria-selected": "true",
  }, phrase("write"));
  const previewTab = make("button", {
    type: "button", role: "tab", id: `${base}-preview-tab`, "aria-controls": `${base}-preview`,
    "aria-selected": "false", tabindex: "-1",
  }, phrase("preview"));
  tablist.append(writeTab, previewTab);
  const writePanel = make("div", { role: "tabpanel", id: `${base}-write`, "aria-labelledby": writeTab.id, class: "write-panel" });
  const previewPanel = make("div", {
    role: "tabpanel", id: `${base}-preview`, "aria-labelledby": previewTab.id, class: "prose preview-panel", tabindex: "0",
  });
  previewPanel.hidden = true;
  textarea.before(tablist, writePanel);
  writePanel.append(textarea);
  writePanel.after(previewPanel);

  const tabs = [writeTab, previewTab];
  const select = (tab, { focus = true } = {}) => {
    tabs.forEach((each) => {
      const chosen = each === tab;
      each.setAttribute("aria-selected", String(chosen));
      each.tabIndex = chosen ? 0 : -1;
    });
    writePanel.hidden = tab !== writeTab;
    previewPanel.hidden = tab !== previewTab;
    if (focus) tab.focus();
    if (tab === previewTab) render(textarea, previewPanel);
  };
  tabs.forEach((tab) => tab.addEventListener("click", () => select(tab)));
  tablist.addEventListener("keydown", (event) => {
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(tabs[(next + tabs.length) % tabs.length]);
  });
  // After posting, the form goes back to writing.
  textarea.closest("form")?.addEventListener("reset-write", () => select(writeTab, { focus: false }));
}
