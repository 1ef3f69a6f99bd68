"""The renderer's cost is bounded: every input within the length limits renders fast, and the
bounded parser gives the same HTML as Python-Markdown's own wherever no cap applies."""

import time

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.content import HTML_TAG_MAX, MARKDOWN_EXTENSIONS, NESTING_MAX, TABLE_ROWS_MAX, Bounded, render_markdown
from ideas.models import BODY_MAX
from tests.core.markdown_shapes import SHAPES
from tests.core.test_content import assert_safe

# The issue asks for "well under a second"; bench/render_cost.py prints the real figures (tenths of
# that). The ceiling is generous, and counts this thread's CPU time: what the render costs, not how
# long it waited for a core while other test runs share the machine.
CEILING = 2.0


def timed_render(text: str) -> tuple[str, float]:
    started = time.thread_time()
    html = render_markdown(text)
    return html, time.thread_time() - started


def upstream(text: str) -> str:
    return markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")


def bounded(text: str) -> str:
    return markdown.Markdown(extensions=[*MARKDOWN_EXTENSIONS, Bounded()], output_format="html").convert(text)


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_known_pathological_shape_renders_fast_at_full_length(name):
    assert len(SHAPES[name]) <= BODY_MAX
    html, seconds = timed_render(SHAPES[name])
    assert seconds < CEILING, f"{name}: {seconds:.2f} s"
    assert_safe(html)


DANGEROUS = st.sampled_from(
    [
        "[", "]", "![", "(", ")", "<", ">", "<a ", '"', "'", "*", "_", "**", "`", "``", "\\", "|", "#", "-",
        "=", "&", "!", ":", "\n", "\n\n", " ", "    ", "> ", "- ", "1. ", "* ", "<!--", "<![CDATA[", "[x](",
        "](", "[a]: ", "https://example.com", "x",
    ]
)  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(DANGEROUS, st.integers(min_value=1, max_value=3000)), min_size=1, max_size=12))
def test_any_mix_of_dangerous_runs_renders_fast_and_safe(runs):
    text = "".join(token * count for token, count in runs)[:BODY_MAX]
    html, seconds = timed_render(text)
    assert seconds < CEILING, f"{seconds:.2f} s for {text[:200]!r}…"
    assert_safe(html)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(DANGEROUS, st.text(max_size=4)), max_size=60).map("".join))
def test_the_bounded_parser_gives_upstreams_html(text):
    assert bounded(text) == upstream(text)


ORDINARY = [
    '# Title\n\nSome **bold**, *em*, `code` and a [link](https://example.com "title").',
    "A [reference][r], a [short] one and ![an image](https://example.com/a.png).\n\n"
    "[r]: https://example.com/r 'R'\n[short]: https://example.com/s",
    "[a link (with parentheses)](https://en.wikipedia.org/wiki/Idea_(disambiguation)) and [[nested] text](x)",
    "> A quote\n> > nested\n\n- one\n- two\n    - two and a half\n\n1. first\n2. second",
    "| a | b |\n|:--|--:|\n| 1 | 2 |\n| 3 | 4 |",
    "```python\nprint([1, 2][0])\n```\n\n    indented code [x](y)\n\n---\n\nSetext\n======",
    '<a href="https://example.com" title="x">raw</a> and <b>bold</b>, <!-- a comment -->',
    "Text with a stray [ bracket, a ( paren and a < sign, *unclosed emphasis and `unclosed code.",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_markdown_renders_as_upstream_does(text):
    assert bounded(text) == upstream(text)


def test_a_list_nested_past_the_recursion_limit_is_text_not_an_error():
    html = render_markdown("1. " * 3333)
    assert html.count("<ol>") == NESTING_MAX


def test_quotes_nest_at_most_nesting_max_deep():
    html = render_markdown("> " * (NESTING_MAX + 5) + "deep")
    assert html.count("<blockquote>") == NESTING_MAX
    assert "&gt; &gt; &gt; &gt; &gt; deep" in html


def test_a_table_of_more_rows_than_the_cap_stays_text():
    assert "<table>" in render_markdown("a|b\n-|-\n" + "c|d\n" * TABLE_ROWS_MAX)
    assert "<table>" not in render_markdown("a|b\n-|-\n" + "c|d\n" * (TABLE_ROWS_MAX + 1))


@pytest.mark.parametrize("length", [HTML_TAG_MAX // 2, HTML_TAG_MAX * 2])
def test_a_long_raw_tag_is_still_a_tag(length):
    """The block extractor reads at most HTML_TAG_MAX characters of a tag; a longer one is read inline."""
    url = "https://example.com/" + "a" * length
    html = render_markdown(f'<a href="{url}">x</a>\n\nmore')
    assert f'<a href="{url}" rel="nofollow ugc noopener">x</a>' in html
