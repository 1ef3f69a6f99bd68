"""The one renderer for user content: Markdown, then bleach with a strict allowlist, then linkify.

Every piece of user content (ideas, comments, notes, profiles) goes through `render_markdown`
on write; pages show the stored HTML. Nothing else in the project sanitises HTML, so this file
and its tests are the whole story. The Content Security Policy is the second line: a miss here
still runs no script.
"""

import re
from functools import partial

import bleach
import markdown
from bleach.linkifier import LinkifyFilter
from markdown.extensions.tables import TableExtension

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5",
        "h6", "hr", "i", "img", "li", "ol", "p", "pre", "strong", "table", "tbody", "td", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_LANGUAGE_CLASS = re.compile(r"^language-[a-z0-9+#-]{1,30}$")
_ALIGN = frozenset({"left", "right", "center"})


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in {"href", "title", "rel"}
    if tag == "img":
        # Only absolute web images: a relative src could make a reader's browser call our own URLs.
        if name == "src":
            return value.lower().startswith(("https://", "http://"))
        return name in {"alt", "title"}
    if tag == "abbr":
        return name == "title"
    if tag in {"th", "td"}:
        return name == "align" and value in _ALIGN
    if tag == "code":
        return name == "class" and bool(_LANGUAGE_CLASS.match(value))
    if tag == "ol":
        return name == "start" and value.isdigit()
    return False


def _set_rel(attrs: dict, new: bool = False) -> dict:
    """Every link, written or linkified, gets rel="nofollow ugc noopener"."""
    attrs[(None, "rel")] = LINK_REL
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False)],
)

_EXTENSIONS = ["fenced_code", "sane_lists", TableExtension(use_align_attribute=True)]


def render_markdown(text: str) -> str:
    """Markdown source to HTML that is safe to show as it is."""
    html = markdown.markdown(text, extensions=_EXTENSIONS, output_format="html")
    return _cleaner.clean(html)
