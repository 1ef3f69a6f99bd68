"""The one renderer for user content: Markdown, then bleach with a strict allowlist, then linkify.

Every piece of user content (ideas, comments, notes, profiles) goes through `render_markdown`
on write; pages show the stored HTML. Nothing else in the project sanitises HTML, so this file
and its tests are the whole story. The Content Security Policy is the second line: a miss here
still runs no script.

Rendering is bounded: Python-Markdown scans brackets, link targets, emphasis runs and table rows
again for every candidate, so some 10,000-character inputs took seconds (`[` repeated: 11.7 s) while
the caller held a write lock. `Bounded` swaps those parts for ones that give the same HTML in linear
time, and caps what cannot be (nesting, table rows, tag length); callers render before they open a
transaction. bench/render_cost.py prints the render time of every pathological shape known.
"""

import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping
from functools import cache, partial
from html import escape, unescape
from urllib.parse import unquote, urlsplit

import bleach
import markdown
from bleach import html5lib_shim
from bleach.linkifier import URL_RE, LinkifyFilter
from django.conf import settings
from django.utils.html import strip_tags
from markdown.blockprocessors import BlockQuoteProcessor, ReferenceProcessor
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.extensions.sane_lists import SaneOListProcessor, SaneUListProcessor
from markdown.extensions.tables import TableExtension, TableProcessor
from markdown.htmlparser import HTMLExtractor
from markdown.inlinepatterns import (
    BACKTICK_RE,
    HTML_RE,
    IMAGE_LINK_RE,
    IMAGE_REFERENCE_RE,
    LINK_RE,
    REFERENCE_RE,
    BacktickInlineProcessor,
    DelimiterProcessor,
    HtmlInlineProcessor,
    ImageInlineProcessor,
    ImageReferenceInlineProcessor,
    InlineProcessor,
    LinkInlineProcessor,
    ReferenceInlineProcessor,
    ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor,
)
from markdown.preprocessors import HtmlBlockPreprocessor

from core.text import strip_reordering

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
# What a browser drops from a URL before reading it (WHATWG URL: C0 controls and space at the ends,
# tab and newlines anywhere).
_URL_EDGES = "".join(chr(c) for c in range(0x21))
_URL_INSIDE = re.compile(r"[\t\n\r]")
# A host whose last label is a number is an IPv4 address to a browser: "2130706433", "0x7f.1".
_NUMERIC_LABEL = re.compile(r"^(?:\d+|0x[0-9a-f]*)$")
_HOST = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*$|^[0-9a-f:.]+$")


def _own_host(host: str) -> bool:
    """The site itself (ALLOWED_HOSTS) or any other machine the reader's browser may reach inside."""
    for allowed in settings.ALLOWED_HOSTS:
        allowed = allowed.lower().rstrip(".")
        if allowed == "*":
            continue
        if host == allowed or (allowed.startswith(".") and (host == allowed[1:] or host.endswith(allowed))):
            return True
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return bool(_NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]))
    return not address.is_global


def _unescaped(text: str) -> str | None:
    """`text` with its character references undone, or None if one cannot be read: Python turns at
    most 4,300 digits into a number."""
    try:
        return unescape(text)
    except ValueError:
        return None


def external_image(src: str) -> bool:
    """An https image on someone else's server: an image aimed at this site (its export, its
    logout) or at the reader's own network would be fetched with the reader's cookies."""
    # The sanitiser hands over the value as written: references undone, it is what a browser reads.
    unescaped = _unescaped(src)
    if unescaped is None:
        return False
    url = _URL_INSIDE.sub("", unescaped.strip(_URL_EDGES)).replace("\\", "/")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        if parts.scheme.lower() != "https" or not host:
            return False
        host = unquote(host).encode("idna").decode("ascii").lower().rstrip(".")
    except (ValueError, UnicodeError):
        return False
    return bool(_HOST.match(host)) and not _own_host(host)


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if tag == "a":
        return name in {"href", "title", "rel"}
    if tag == "img":
        if name == "src":
            return external_image(value)
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


# bleach's pattern for bare URLs, bounded. It starts with `\(*`, so it read a run of "(" again from
# each of them: the matches are the same (the leftmost starts at the run's first "(") when only that
# first "(" may start one. Its host was any number of labels of any length, tried against every
# top-level domain at each: "a.b-" repeated took 10 s. DNS labels have at most 63 characters, and
# hosts of more than ten labels are not linked.
_URL = re.compile(
    URL_RE.pattern.replace(r"\(*", r"(?<!\()\(*", 1).replace(r"([\w-]+\.)+", r"([\w-]{1,63}\.){1,10}", 1),
    URL_RE.flags,
)


class RefusedImagesAsText(html5lib_shim.Filter):
    """An image whose address the allowlist refused shows its description as text, not as a broken picture."""

    def __iter__(self):
        for token in super().__iter__():
            if token["type"] == "EmptyTag" and token["name"] == "img" and (None, "src") not in token["data"]:
                alt = token["data"].get((None, "alt"), "")
                if alt:
                    yield {"type": "Characters", "data": alt}
                continue
            yield token


class MentionsInPlace(html5lib_shim.Filter):
    """A mention's placeholder stays only in text outside links and code: in an attribute it goes;
    inside a link (written, or linkified around it) it is marked to show as plain text, since a link
    holds no link; inside code (a Markdown code span is never read for mentions, but raw `<code>` and
    `<pre>` are) it shows as the text written. So the placeholders left after the sanitiser sit where a
    whole `<a>` may go, and they are the mentions that notify."""

    PLAIN_INSIDE = frozenset({"a", "code", "pre"})

    def __iter__(self):
        depth = 0
        for token in super().__iter__():
            kind = token["type"]
            if kind in {"StartTag", "EmptyTag"} and token.get("data"):
                token["data"] = {name: _PLACEHOLDER_ANY.sub("", value) for name, value in token["data"].items()}
            if kind == "StartTag" and token["name"] in self.PLAIN_INSIDE:
                depth += 1
            elif kind == "EndTag" and token["name"] in self.PLAIN_INSIDE:
                depth = max(depth - 1, 0)
            elif kind == "Characters" and depth:
                token["data"] = token["data"].replace(MENTION_OPEN, MENTION_PLAIN)
            yield token


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=_allowed_attribute,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[
        RefusedImagesAsText,
        partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False, url_re=_URL),
        MentionsInPlace,
    ],
)


_BRACKET = re.compile(r"[\[\]]")
_LINK_TARGET_END = re.compile(r"[()'\"]")
# Characters Python-Markdown may scan for link targets with parentheses or quotes in them, per
# render; past it such a target is read as text. Ordinary text spends a few hundred.
LINK_SCAN_BUDGET = 100_000
NESTING_MAX = 16
TABLE_ROWS_MAX = 500
HTML_TAG_MAX = 1000


class _BoundedLinks:
    """Python-Markdown's link, image and reference patterns, with the same results in linear time.

    Upstream, every `[` scans forward to its matching `]` (so `[` repeated is quadratic) and every
    `](` scans forward to its `)`. Here each `[` is matched once per text with a stack, and a
    target without parentheses or quotes ends at the next `)`; the rare target that has them is
    read upstream's way, within a budget per render."""

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        # Where a `[` closes depends only on the text after it, and the inline processor replaces
        # text only before the point it reads from: so the table counts from the end of the text,
        # and holds while the tail read from is the one it was made from.
        start = index - 1
        if data is not self._data or start < self._from:
            size = len(data) - start
            if size > len(self._source) or self._source[len(self._source) - size :] != data[start:]:
                self._source, self._ends = data, _bracket_ends(data)
            self._data, self._from = data, start
        end = self._ends[len(data) - start]
        if not end:
            return data[index:], len(data), False
        close = len(data) - end
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        m = self.RE_LINK.match(data, pos=index)
        if m and not m.group(1):
            stop = _LINK_TARGET_END.search(data, m.end())
            if stop is None:
                return "", None, len(data), False
            if stop.group() == ")":
                return self.unescape(data[m.end() : stop.start()]).strip(), None, stop.end(), True
            budget = self.md.link_scan_budget
            if budget <= 0:
                return "", None, index, False
            href, title, end, handled = super().getLink(data, index)
            self.md.link_scan_budget = budget - ((end if handled and end > index else len(data)) - index)
            return href, title, end, handled
        return super().getLink(data, index)


def _bracket_ends(text: str) -> dict[int, int]:
    """For every `[`, counted from the end of `text`, where its matching `]` is (0: nowhere)."""
    size, opened, ends = len(text), [], {}
    for m in _BRACKET.finditer(text):
        if m.group() == "[":
            opened.append(size - m.start())
        elif opened:
            ends[opened.pop()] = size - m.start()
    ends.update(dict.fromkeys(opened, 0))
    return ends


def _bounded(upstream: type) -> type:
    def __init__(self, pattern: str, md: markdown.Markdown) -> None:
        upstream.__init__(self, pattern, md)
        self._data, self._from, self._source = None, 0, ""
        self._ends: dict[int, int] = {}

    return type(f"Bounded{upstream.__name__}", (_BoundedLinks, upstream), {"__init__": __init__})


@cache
def _ticks(count: int) -> re.Pattern[str]:
    """A run of exactly `count` backticks."""
    return re.compile(rf"(?<!`)`{{{count}}}(?!`)")


class _BoundedCodeSpans(BacktickInlineProcessor):
    """Upstream looks for the closing run of a code span character by character, to the end of the
    text for every opening run that has none: quadratic. The same answers, found by the regex engine."""

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        ticks = len(text) - len(text[start:].lstrip("`")) - start
        after = start + ticks
        if ticks and (close := _ticks(ticks).search(text, after)):
            return after, close.start()
        if ticks > 1 and "`" * (ticks + 1) not in text[after:]:
            # No run as long: upstream pairs the opening with the first of the longest shorter runs.
            for shorter in range(ticks - 1, 0, -1):
                if close := _ticks(shorter).search(text, after):
                    return after - (ticks - shorter), close.start()
        return after + ticks, None


class _BoundedDelimiters(DelimiterProcessor):
    """Upstream's emphasis search, which tried every `*` of a run that cannot open or close
    emphasis again, each reading to the run's end: quadratic in the run. A position that fails
    fails for the rest of its run (what follows the run decides, and a delimiter before it rules
    out the others), so the search skips to the run's end."""

    def search(self, data: str, start: int) -> re.Match[str] | None:
        i = start
        while i < len(data):
            char = data[i]
            if char in self.delimiters:
                delimiter = self.delimiters[char]
                m = delimiter.boundary.match(data, i)
                if m is not None and (delimiter.stack or m.lastgroup[0] != "e"):
                    return m
                while i + 1 < len(data) and data[i + 1] == char:
                    i += 1
            i += 1
        return None


class _BoundedTables(TableProcessor):
    """Upstream splits and strips every row of a block to look at its first two, once per line.
    A table of more rows than TABLE_ROWS_MAX stays text: the sanitiser's cost grows with the square
    of the rows."""

    def test(self, parent, block: str) -> bool:
        first, newline, rest = block.partition("\n")
        if "|" not in first or not newline or block.count("\n") > TABLE_ROWS_MAX + 1:
            # Upstream's answer for a first row without a pipe or a block of one line is False.
            return False
        if len(self._split_row(first.strip(" "))) > 1:
            second = rest.partition("\n")[0]
            return super().test(parent, first + "\n" + second)
        return super().test(parent, block)


class _RemembersMiss:
    """A block pattern that remembers the last block it found nothing in.

    Block processors take a block a line or two at a time and search the rest again each time
    (headers, rules, quotes, references): quadratic in lines. The rest is a suffix of the block
    starting at a line, and these patterns only anchor at line starts, so a miss in a block is a
    miss in every such suffix of it."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self._pattern, self._missed = pattern, None

    def search(self, block: str):
        missed = self._missed
        if (
            missed is not None
            and len(block) <= len(missed)
            and missed.endswith(block)
            and (len(block) == len(missed) or missed[-len(block) - 1] == "\n")
        ):
            return None
        found = self._pattern.search(block)
        if found is None:
            self._missed = block
        return found

    def __getattr__(self, name: str):
        return getattr(self._pattern, name)


def _nesting_cap(upstream: type) -> type:
    """Quotes and lists nested deeper than NESTING_MAX stay text: upstream nests until the
    recursion limit (lists: RecursionError), and the sanitiser's cost grows with the depth."""

    def test(self, parent, block: str) -> bool:
        return self.parser.nesting < NESTING_MAX and upstream.test(self, parent, block)

    def run(self, parent, blocks):
        self.parser.nesting += 1
        try:
            return upstream.run(self, parent, blocks)
        finally:
            self.parser.nesting -= 1

    return type(f"Capped{upstream.__name__}", (upstream,), {"test": test, "run": run})


class _BoundedExtractor(HTMLExtractor):
    """Upstream reads an unclosed start tag (`<a ` repeated) to the end of the text from each `<`."""

    def check_for_whole_start_tag(self, i: int) -> int:
        rawdata = self.rawdata
        try:
            self.rawdata = rawdata[: i + HTML_TAG_MAX]
            end = super().check_for_whole_start_tag(i)
        finally:
            self.rawdata = rawdata
        return end


class _BoundedFences(FencedBlockPreprocessor):
    """Upstream's opening fence had two runs of spaces side by side (`~~~` and 9,990 spaces: 1.3 s
    trying every split); a space given back could only be taken by the other run, so the same
    fences are found when none is given back."""

    FENCED_BLOCK_RE = re.compile(
        FencedBlockPreprocessor.FENCED_BLOCK_RE.pattern.replace("[ ]*", "[ ]*+"),
        FencedBlockPreprocessor.FENCED_BLOCK_RE.flags,
    )


# Upstream's reference definition gave characters of its target back to try a title glued to it,
# at every quote of the target, each read to the end of the line ("'" repeated: a second). Here
# the target keeps them: a glued title stays part of the target, as upstream reads it when nothing
# follows the title.
_REFERENCE = re.compile(
    ReferenceProcessor.RE.pattern.replace(r"([^\s]+)", r"([^\s]++)", 1), ReferenceProcessor.RE.flags
)


class _BoundedHtmlBlocks(HtmlBlockPreprocessor):
    def run(self, lines: list[str]) -> list[str]:
        parser = _BoundedExtractor(self.md)
        parser.feed("\n".join(lines))
        parser.close()
        return "".join(parser.cleandoc).split("\n")


class Bounded(Extension):
    """Registered after the others: the same names and priorities as the parts it replaces."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.link_scan_budget = LINK_SCAN_BUDGET
        for name, upstream, pattern, priority in [
            ("reference", ReferenceInlineProcessor, REFERENCE_RE, 170),
            ("link", LinkInlineProcessor, LINK_RE, 160),
            ("image_link", ImageInlineProcessor, IMAGE_LINK_RE, 150),
            ("image_reference", ImageReferenceInlineProcessor, IMAGE_REFERENCE_RE, 140),
            ("short_reference", ShortReferenceInlineProcessor, REFERENCE_RE, 130),
            ("short_image_ref", ShortImageReferenceInlineProcessor, IMAGE_REFERENCE_RE, 125),
        ]:
            md.inlinePatterns.register(_bounded(upstream)(pattern, md), name, priority)
        md.inlinePatterns.register(_BoundedCodeSpans(BACKTICK_RE), "backtick", 190)
        emphasis = _BoundedDelimiters("*", "strong,em", md)
        emphasis.add("_", "strong,em", smart=True)
        md.inlinePatterns.register(emphasis, "em_strong", 60)
        blocks = md.parser.blockprocessors
        md.parser.nesting = 0
        blocks.register(_nesting_cap(SaneOListProcessor)(md.parser), "olist", 40)
        blocks.register(_nesting_cap(SaneUListProcessor)(md.parser), "ulist", 30)
        blocks.register(_nesting_cap(BlockQuoteProcessor)(md.parser), "quote", 20)
        blocks.register(_BoundedTables(md.parser, blocks["table"].config), "table", 75)
        blocks["reference"].RE = _REFERENCE
        for name, attribute in [("hashheader", "RE"), ("hr", "SEARCH_RE"), ("quote", "RE"), ("reference", "RE")]:
            setattr(blocks[name], attribute, _RemembersMiss(getattr(blocks[name], attribute)))
        md.preprocessors.register(_BoundedHtmlBlocks(md), "html_block", 20)
        fences = md.preprocessors["fenced_code_block"]
        md.preprocessors.register(_BoundedFences(md, fences.config), "fenced_code_block", 25)


# html5lib's formatting elements: one left open is copied by the sanitiser's parser into every
# block after it, at every level of a list ("- " * 16 + "<a -->" on 400 lines: 450 KB, 0.9 s).
_FORMATTING_TAG = re.compile(r"<(/?)(a|b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u)(?=[\s/>])", re.I)
_INLINE_HTML = re.compile(HTML_RE, re.DOTALL)


def _closed_starts(text: str, start: int) -> set[int]:
    """The formatting start tags in `text` from `start` that an end tag of theirs closes, counted
    from the end. Tags are read as the inline HTML pattern reads them: an end tag inside another
    tag's attribute closes nothing."""
    size, opened, closed = len(text), {}, set()
    for m in _INLINE_HTML.finditer(text, start):
        if tag := _FORMATTING_TAG.match(text, m.start()):
            stack = opened.setdefault(tag.group(2).lower(), [])
            if not tag.group(1):
                stack.append(size - m.start())
            elif stack:
                closed.add(stack.pop())
    return closed


class _ClosedFormatting(HtmlInlineProcessor):
    """Raw inline HTML, except a formatting start tag that nothing in its own block closes: that
    one is text. Which end tag closes a start tag depends only on the text after it, so the table
    counts from the end of the text, as `_BoundedLinks` does."""

    def __init__(self, pattern: str, md: markdown.Markdown) -> None:
        super().__init__(pattern, md)
        self._source, self._reach, self._closed = "", 0, set()

    def handleMatch(self, m: re.Match[str], data: str):
        if (tag := _FORMATTING_TAG.match(data, m.start())) and not tag.group(1):
            size = len(data) - m.start()
            if size > self._reach or self._source[len(self._source) - size :] != data[m.start() :]:
                self._source, self._reach, self._closed = data, size, _closed_starts(data, m.start())
            if size not in self._closed:
                return None, None, None
        return super().handleMatch(m, data)


class UnclosedFormattingAsText(Extension):
    """A formatting tag written in raw HTML and left open in its block shows as text."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.inlinePatterns.register(_ClosedFormatting(HTML_RE, md), "html", 90)


# Mentions: `@[Display Name](member:12)` in the source (the comment box's autocomplete writes it). The
# Markdown extension swaps each for a placeholder of private-use characters around its number, which
# the sanitiser keeps as text; the renderer then builds the link itself, so a member can write
# neither a `class` nor a fake mention. The characters are taken out of the source first: nobody
# forges a placeholder.
MENTION_OPEN, MENTION_PLAIN, MENTION_CLOSE = "\ue000", "\ue002", "\ue001"
MENTIONS_MAX = 20  # distinct members mentioned in one text; more is refused by the services
MENTION_NAME_MAX = 100
MENTION_RE = rf"@\[(?P<name>[^\[\]\n]{{1,{MENTION_NAME_MAX}}})\]\(member:(?P<id>[1-9][0-9]{{0,17}})\)"
_PRIVATE = re.compile("[\ue000-\ue002]")
_PLACEHOLDER = re.compile(f"([{MENTION_OPEN}{MENTION_PLAIN}])([0-9]+){MENTION_CLOSE}")
_PLACEHOLDER_ANY = re.compile(f"[{MENTION_OPEN}{MENTION_PLAIN}][0-9]*{MENTION_CLOSE}?|{MENTION_CLOSE}")

# (ids) -> {id: (public name, profile URL)} for the members that exist and may be linked.
MentionResolver = Callable[[Iterable[int]], Mapping[int, tuple[str, str]]]


class _MentionProcessor(InlineProcessor):
    def __init__(self, found: list[tuple[int, str]]) -> None:
        super().__init__(MENTION_RE)
        self.found = found

    def handleMatch(self, m: re.Match[str], data: str):
        self.found.append((int(m.group("id")), m.group("name")))
        return f"{MENTION_OPEN}{len(self.found) - 1}{MENTION_CLOSE}", m.start(0), m.end(0)


class Mentions(Extension):
    """Reads mentions in text, never in code spans or blocks (they are taken before it looks)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []  # (member id, name as written), one per placeholder

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After code spans (190) and escapes (180), before links (160, 170) would take the brackets.
        md.inlinePatterns.register(_MentionProcessor(self.found), "mention", 175)


def _mention_html(found: list[tuple[int, str]], known: Mapping[int, tuple[str, str]], m: re.Match[str]) -> str:
    index = int(m.group(2))
    if index >= len(found):
        return ""
    member_id, written = found[index]
    if m.group(1) == MENTION_OPEN and member_id in known:
        name, url = known[member_id]
        return f'<a class="mention" href="{escape(url)}">@{escape(name, quote=False)}</a>'
    name = known[member_id][0] if member_id in known else written
    return "@" + escape(name, quote=False)


MARKDOWN_EXTENSIONS = ["fenced_code", "sane_lists", TableExtension(use_align_attribute=True)]


_CHARACTER_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
# A decimal reference of more than 7 digits is past U+10FFFF, the last character; one of more than
# 4,300 is past what Python turns into a number, in bleach and in html.unescape (ValueError: a 500
# on every save). Its `&` is written `&#38;` before the sanitiser reads it, wherever it is (text,
# link target, title, alt; code is escaped already): the sanitiser turns `&amp;` in text back into
# `&`, then reads what follows as a reference where it links a bare URL. The reference shows as the
# text it was written as.
_DECIMAL_PAST_LAST_CHARACTER = re.compile(r"&(?=#[0-9]{8})")


def _reference_or_text(reference: str) -> str:
    """A reference that undoes to a reordering or invisible character goes; one past the last
    character, or that cannot be read, shows as text."""
    character = None if _DECIMAL_PAST_LAST_CHARACTER.match(reference) else _unescaped(reference)
    if character is None:
        return "&amp;" + reference[1:]
    return reference if strip_reordering(character) else ""


def _without_reordering(html: str) -> str:
    """The sanitiser keeps character references as written: `&#x202e;` would still turn text around."""
    return _CHARACTER_REFERENCE.sub(lambda m: _reference_or_text(m.group()), strip_reordering(html))


def _converted(text: str) -> tuple[str, Mentions]:
    mentions = Mentions()
    md = markdown.Markdown(
        extensions=[*MARKDOWN_EXTENSIONS, Bounded(), UnclosedFormattingAsText(), mentions], output_format="html"
    )
    return md.convert(_PRIVATE.sub("", strip_reordering(text))), mentions


def _sanitised(text: str) -> tuple[str, list[tuple[int, str]]]:
    """The sanitised HTML with its mention placeholders, and the mentions they stand for."""
    converted, found = _converted(text)
    return _without_reordering(_cleaner.clean(_DECIMAL_PAST_LAST_CHARACTER.sub("&#38;", converted))), found.found


def _linked_ids(html: str, found: list[tuple[int, str]]) -> list[int]:
    """The members of the placeholders that may become links (outside links and code), each once, in order."""
    indexes = (int(m.group(2)) for m in _PLACEHOLDER.finditer(html) if m.group(1) == MENTION_OPEN)
    return list(dict.fromkeys(found[index][0] for index in indexes if index < len(found)))


def render_markdown(text: str, *, mentions: MentionResolver | None = None) -> str:
    """Markdown source to HTML that is safe to show as it is, with nothing that hides or reorders
    what a reader sees (zero-width and bidirectional controls, written or as references). Each
    mention of a member `mentions` knows links to their profile under their name now; any other
    (an unknown or deleted member, more than MENTIONS_MAX, no resolver, in code) is the plain text written."""
    html, found = _sanitised(text)
    ids = _linked_ids(html, found)[:MENTIONS_MAX]
    known = dict(mentions(ids)) if mentions is not None and ids else {}
    return _PLACEHOLDER.sub(partial(_mention_html, found, known), html)


def mentioned_ids(text: str) -> list[int]:
    """The members a text mentions where a mention links, each once, in order: never in code or links."""
    return _linked_ids(*_sanitised(text))


# A link somewhere in rendered HTML (bleach writes every tag alike); a mention is a link to a member, not out.
_LINK = re.compile(r'<a\s(?![^>]*\bclass="mention")[^>]*\bhref="[^"]')


def link_count(html: str) -> int:
    """How many links a rendered post carries (mentions aside): what a new account's posts are limited by."""
    return len(_LINK.findall(html))


def plain_text(html: str) -> str:
    """Rendered HTML as one line of plain text: what a notification or an e-mail quotes of it."""
    return " ".join(unescape(strip_tags(html)).split())
