"""The one renderer: Markdown in, HTML out that holds nothing outside the allowlist."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.content import ALLOWED_PROTOCOLS, ALLOWED_TAGS, LINK_REL, render_markdown

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
    "code": {"class"},
    "ol": {"start"},
}
URL_ATTRIBUTES = {"href", "src"}


class Collector(HTMLParser):
    """Every tag and attribute in a piece of HTML, as a browser's tokenizer would see them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def parsed(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def scheme_of(url: str) -> str | None:
    # What a browser would do: strip ASCII whitespace and control characters first.
    cleaned = "".join(ch for ch in url if ord(ch) > 0x20 and ch != "\x7f")
    return urlsplit(cleaned).scheme.lower() or None


def assert_safe(html: str) -> None:
    for tag, attrs in parsed(html):
        assert tag in ALLOWED_TAGS, f"tag {tag!r} in {html!r}"
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES.get(tag, set()), f"attribute {name!r} on {tag!r} in {html!r}"
            if name in URL_ATTRIBUTES:
                scheme = scheme_of(value or "")
                assert scheme is None or scheme in ALLOWED_PROTOCOLS, f"scheme {scheme!r} in {html!r}"
            if tag == "img" and name == "src":
                assert value.startswith(("http://", "https://")), html


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<a href="#" onclick="alert(1)">click</a>',
    '<p onmouseover="alert(1)">hover</p>',
    "<body onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](java&#x09;script:alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](java\u200bscript:alert(1))",
    "[click](\u200bjavascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '[click](javascript:alert(1) "title")',
    "[click][evil]\n\n[evil]: javascript:alert(1)",
    "[click][evil]\n\n[evil]: <javascript:alert(1)>",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "![image](javascript:alert(1))",
    "![image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![image](x" onerror="alert(1))',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="https://ok.example" target="_blank" style="color:red">x</a>',
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<style>body { display: none }</style>",
    "<p style=\"background:url('javascript:alert(1)')\">x</p>",
    "<iframe src=https://evil.example></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<div><![CDATA[<img src=x onerror=alert(1)>]]></div>",
    "```html\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    '<code class="x onload">x</code>',
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<template><script>alert(1)</script></template>",
    '<a href="https://ok.example"><img src="https://ok.example/i.png" onload="alert(1)"></a>',
    "<<script>script>alert(1)<</script>/script>",
    "<img/src=x/onerror=alert(1)>",
    '<a href="\x01javascript:alert(1)">x</a>',
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_renders_safe(source):
    assert_safe(render_markdown(source))


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_input_runs_no_script_when_rendered_twice(source):
    """Stored HTML fed back in (as an edit would) stays safe too."""
    assert_safe(render_markdown(render_markdown(source)))


def test_markdown_renders_the_usual_formatting():
    html = render_markdown("# Title\n\nSome **bold**, *em*, `code` and a [link](https://example.com).\n\n- one\n- two")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html and "<em>em</em>" in html and "<code>code</code>" in html
    assert '<a href="https://example.com" rel="nofollow ugc noopener">link</a>' in html
    assert "<li>one</li>" in html


def test_bare_urls_become_links_with_rel():
    html = render_markdown("See https://example.com/page for more")
    assert f'<a href="https://example.com/page" rel="{LINK_REL}">https://example.com/page</a>' in html


def test_every_link_gets_the_rel_even_if_the_author_wrote_another():
    html = render_markdown('<a href="https://example.com" rel="opener">x</a>')
    assert f'rel="{LINK_REL}"' in html and 'opener"' not in html.replace("noopener", "")


def test_mailto_links_stay():
    assert 'href="mailto:hi@example.com"' in render_markdown("[write](mailto:hi@example.com)")


def test_urls_inside_code_are_not_linkified():
    html = render_markdown("```\ncurl https://example.com\n```")
    assert "<a " not in html


def test_fenced_code_keeps_language_class():
    assert '<code class="language-python">' in render_markdown("```python\nprint(1)\n```")


def test_tables_render_with_align_attribute_not_style():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert '<th align="left">a</th>' in html and "style" not in html


def test_remote_images_stay_and_relative_images_go():
    assert 'src="https://example.com/a.png"' in render_markdown("![a](https://example.com/a.png)")
    assert "src" not in render_markdown("![a](/accounts/logout/)")


def test_text_is_escaped_not_interpreted():
    html = render_markdown("1 < 2 & 3 > 2")
    assert "&lt;" in html and "&amp;" in html


FRAGMENTS = st.sampled_from(
    [
        "<", ">", "/", "=", '"', "'", " ", "\n", "\t", "&", "#", ";", ":", "(", ")", "[", "]", "!", "`", "*",
        "script", "img", "svg", "math", "style", "iframe", "a", "form", "noscript", "object", "p", "table",
        "src", "href", "onerror", "onload", "style", "formaction", "xlink:href", "srcdoc", "action",
        "javascript", "JaVaScRiPt", "vbscript", "data", "alert(1)", "&#106;", "&#x6A;", "&colon;", "\u200b",
        "https://example.com", "//evil.example", "http", "mailto", "<!--", "-->", "<![CDATA[", "]]>",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=5)), max_size=40).map("".join))
def test_no_output_ever_leaves_the_allowlist(source):
    assert_safe(render_markdown(source))
