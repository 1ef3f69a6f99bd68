// @mentions in a comment box: typing "@" and two letters or more suggests members (GET
// /api/v1/members/suggest/?q=), choosing one inserts "@[Name](member:12) " at the caret. The box is an
// autocompleting text box (aria-autocomplete, aria-controls and aria-activedescendant: a <textarea> may
// not take the combobox role, so the number of suggestions is also said in the live region) with a
// listbox: Up and Down move, Enter or Tab choose, Escape closes, a click chooses.

import { announce, phrase } from "./announce.js";

const TYPED = /(?:^|[\s(])@([\p{L}\p{N}][\p{L}\p{N}._'-]*(?: [\p{L}\p{N}][\p{L}\p{N}._'-]*)?)$/u;
const WAIT_MS = 200;

export function enhanceMentions(textarea) {
  if (!textarea.dataset.mentionsUrl || textarea.dataset.mentionsReady) return;
  textarea.dataset.mentionsReady = "true";
  const list = document.createElement("ul");
  list.id = `${textarea.id}-mentions`;
  list.className = "mention-list";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", phrase("mentionList") || "@");
  list.hidden = true;
  textarea.after(list);
  textarea.setAttribute("aria-autocomplete", "list");
  textarea.setAttribute("aria-controls", list.id);

  let members = [];
  let active = -1;
  let typed = null; // the "@query" before the caret: {start, query}
  let timer = null;
  let ticket = 0;

  const close = () => {
    list.hidden = true;
    list.replaceChildren();
    members = [];
    active = -1;
      textarea.removeAttribute("aria-activedescendant");
  };

  const highlight = (index) => {
    active = index;
    [...list.children].forEach((option, at) => option.setAttribute("aria-selected", String(at === index)));
    if (index >= 0) {
      textarea.setAttribute("aria-activedescendant", list.children[index].id);
      list.children[index].scrollIntoView({ block: "nearest" });
    } else {
      textarea.removeAttribute("aria-activedescendant");
    }
  };

  const choose = (index) => {
    const member = members[index];
    if (!member || !typed) return;
    const name = member.name.replace(/[[\]]/g, "");
    const inserted = `@[${name}](member:${member.id}) `;
    const caret = textarea.selectionStart;
    textarea.setRangeText(inserted, typed.start, caret, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    close();
    textarea.focus();
  };

  const show = (found) => {
    members = found;
    list.replaceChildren(
      ...found.map((member, at) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${member.id}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = member.name;
        option.addEventListener("mousedown", (event) => event.preventDefault()); // the box keeps focus
        option.addEventListener("click", () => choose(at));
        return option;
      }),
    );
    list.hidden = found.length === 0;
    if (found.length) {
      highlight(0);
      announce(phrase("suggestions", { n: found.length }));
    }
  };

  const lookup = async (query) => {
    const mine = ++ticket;
    const url = new URL(textarea.dataset.mentionsUrl, window.location.origin);
    url.searchParams.set("q", query);
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok || mine !== ticket) return;
      show(await response.json());
    } catch {
      close();
    }
  };

  textarea.addEventListener("input", () => {
    const before = textarea.value.slice(0, textarea.selectionStart);
    const match = TYPED.exec(before);
    clearTimeout(timer);
    if (!match || match[1].length < 2) {
      typed = null;
      ticket++;
      close();
      return;
    }
    typed = { start: textarea.selectionStart - match[1].length - 1, query: match[1] };
    timer = setTimeout(() => lookup(match[1]), WAIT_MS);
  });

  textarea.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + members.length) % members.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  textarea.addEventListener("blur", () => setTimeout(close, 150));
}
