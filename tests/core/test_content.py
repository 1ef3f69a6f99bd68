"""The one renderer: Markdown in, HTML out that holds nothing outside the allowlist."""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from bleach.linkifier import URL_RE
from hypothesis import given, settings
from hypothesis import strategies as st

from core.content import (
    _URL,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    LINK_REL,
    MENTIONS_MAX,
    external_image,
    link_count,
    mentioned_ids,
    render_markdown,
)

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
                assert value.startswith("https://"), html


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


@pytest.mark.parametrize(
    "text",
    [
        "See example.com. Next",
        "(see https://example.com/a_(b)) and ((www.example.org))",
        "at http://sub.domain.example.co.uk:8080/path?q=1#x, or mail.example.com/x.",
        "https://a.b.c.d.e.f.g.example.com/ and foo.com.-bar",
        "not.a.tld, 1.2.3.4, a-b.example.net/c-d",
    ],
)
def test_bare_urls_are_found_as_bleach_finds_them(text):
    """The bounded pattern for bare URLs (core.content._URL) finds what bleach's own finds."""
    assert [m.span() for m in _URL.finditer(text)] == [m.span() for m in URL_RE.finditer(text)]


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


@pytest.mark.parametrize(
    "source",
    [
        '<img src="http://127.0.0.1:8000/account/export/">',
        "![x](http://example.com/a.png)",
        "![x](https://localhost/a.png)",
        "![x](https://LOCALHOST./a.png)",
        "![x](https://app.localhost/a.png)",
        "![x](//127.0.0.1/x)",
        "![x](https://127.0.0.1:8000/account/export/)",
        "![x](https://127.1/x)",
        "![x](https://2130706433/x)",
        "![x](https://0x7f000001/x)",
        "![x](https://10.0.0.8/x)",
        "![x](https://192.168.1.1/x)",
        "![x](https://169.254.169.254/latest/meta-data/)",
        "![x](https://[::1]/x)",
        "![x](https://[fd00::1]/x)",
        "![x](https://0.0.0.0/x)",
        "![x](https://evil.example@127.0.0.1/x)",
        "![x](https://%6c%6fcalhost/x)",
        "![x](https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/x)",
        '<img src="https:\\\\localhost\\x.png">',
        '<img src=" https://loc&#x09;alhost/x.png">',
        "![x](https:localhost/x.png)",
        "![x](a.png)",
        "![x](/account/export/)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "![x](ftp://example.com/a.png)",
    ],
)
def test_images_only_from_other_sites_over_https(source):
    html = render_markdown(source)
    assert "src=" not in html, html


def test_a_refused_image_shows_its_alt_text_not_a_broken_picture():
    assert render_markdown("![the plan](http://example.com/plan.png)") == "<p>the plan</p>"
    assert render_markdown("a ![](http://127.0.0.1/account/export/) b") == "<p>a  b</p>"
    assert render_markdown('<img src="http://127.0.0.1/" alt="<b>hi</b>">') == "<p>&lt;b&gt;hi&lt;/b&gt;</p>"


def test_images_from_the_sites_own_hosts_are_refused(settings):
    settings.ALLOWED_HOSTS = ["forum.example.com", ".example.org", "*"]
    assert "src=" not in render_markdown("![x](https://forum.example.com/account/export/)")
    assert "src=" not in render_markdown("![x](https://FORUM.example.com./a.png)")
    assert "src=" not in render_markdown("![x](https://example.org/a.png)")
    assert "src=" not in render_markdown("![x](https://cdn.example.org/a.png)")
    assert 'src="https://example.com/a.png"' in render_markdown("![x](https://example.com/a.png)")


def test_an_external_https_image_with_a_port_and_a_query_stays():
    html = render_markdown("![x](https://images.example.com:8443/a.png?size=2)")
    assert 'src="https://images.example.com:8443/a.png?size=2"' in html


def test_a_public_address_is_someone_elses_site():
    assert 'src="https://93.184.215.14/a.png"' in render_markdown("![x](https://93.184.215.14/a.png)")


REORDERING = ["\u200b", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066", "\u2069", "\ufeff", "\u2060"]


@pytest.mark.parametrize("char", REORDERING)
def test_zero_width_and_bidi_characters_are_dropped_from_rendered_content(char):
    source = f"# Ti{char}tle\n\nSome {char}text, [li{char}nk](https://example.com/{char}) ![im{char}g](https://example.com/a.png)"
    html = render_markdown(source)
    assert char not in html
    assert "<h1>Title</h1>" in html and ">link</a>" in html and 'alt="img"' in html


@pytest.mark.parametrize("reference", ["&#x202e;", "&#X202E;", "&#8238;", "&rlm;", "&lrm;", "&ZeroWidthSpace;"])
def test_reordering_characters_written_as_references_are_dropped_too(reference):
    html = render_markdown(f"a{reference}b <b title='c{reference}d'>e</b> `f{reference}g`")
    assert reference.lower() not in html.lower() and "\u202e" not in html
    assert "ab" in html


def test_joiners_that_scripts_and_emoji_need_stay():
    assert "\U0001f469\u200d\U0001f4bb" in render_markdown("\U0001f469\u200d\U0001f4bb")
    assert "\u0645\u200c\u06cc" in render_markdown("\u0645\u200c\u06cc")


def test_text_is_escaped_not_interpreted():
    html = render_markdown("1 < 2 & 3 > 2")
    assert "&lt;" in html and "&amp;" in html


def test_a_formatting_tag_left_open_in_its_block_shows_as_text_and_goes_no_further():
    """The sanitiser's parser copies an open <b> or <a> into every block after it, at every level."""
    assert render_markdown("- <b>x\n- y") == "<ul>\n<li>&lt;b&gt;x</li>\n<li>y</li>\n</ul>"
    assert render_markdown("<b>a\n\nb") == "<p>&lt;b&gt;a</p>\n<p>b</p>"
    assert render_markdown("x<a -->![\n\ny") == "<p>x&lt;a --&gt;![</p>\n<p>y</p>"
    assert render_markdown("<b>a</b> <b>b") == "<p><b>a</b> &lt;b&gt;b</p>"
    assert render_markdown('<a title="</a>">a') == '<p>&lt;a title="&lt;/a&gt;"&gt;a</p>'
    assert render_markdown("<b>a <!-- </b> --> `</b>`") == "<p>&lt;b&gt;a  <code>&lt;/b&gt;</code></p>"


def test_formatting_tags_closed_in_their_block_stay():
    assert render_markdown("- <b>x</b>\n- <I >y</i >") == "<ul>\n<li><b>x</b></li>\n<li><i>y</i></li>\n</ul>"
    assert render_markdown("<b><em>a</em> b</b>") == "<p><b><em>a</em> b</b></p>"
    html = render_markdown('<a href="https://example.com">x</a> and <br> <abbr title="t">y')
    assert '<a href="https://example.com" rel="nofollow ugc noopener">x</a> and <br> <abbr title="t">y</abbr>' in html


# Python turns at most 4,300 digits into a number (ValueError past it); any decimal reference of
# more than 7 digits is past U+10FFFF.
DIGITS = "1" * 4400


@pytest.mark.parametrize(
    "source",
    [
        f"&#{DIGITS};",
        f"a &#{DIGITS} b",
        f"[a](https://example.com/&#{DIGITS};)",
        f"[a](https://example.com/&#{DIGITS})",
        f'[a](https://example.com/ "&#{DIGITS};")',
        f"![a](https://example.com/&#{DIGITS};)",
        f"![a](https://example.com/&#{DIGITS})",
        f"![&#{DIGITS};](https://example.com/a.png)",
        f'![a](https://example.com/a.png "&#{DIGITS};")',
        f"[a]: https://example.com/&#{DIGITS};\n\n[a] ![a]",
        f"`&#{DIGITS};`",
        f"    &#{DIGITS};",
        f"```\n&#{DIGITS};\n```",
        f'<img src="https://example.com/&#{DIGITS};" alt="&#{DIGITS};">',
        f'<a href="https://example.com/&#{DIGITS}" title="&#{DIGITS};">x</a>',
        f"<div>&#{DIGITS};</div>",
        f"https://example.com/&#{DIGITS};",
        f"&#{'0' * 4400}65;",
    ],
)
def test_a_decimal_reference_too_long_for_a_number_shows_as_text(source):
    html = render_markdown(source)
    assert_safe(html)
    digits = source.partition("&#")[2][:4400]
    assert f"#{digits}" in html and f"&#{digits}" not in html, html[:300]


@pytest.mark.parametrize("reference", ["&#12345678;", "&#00000065;", "&#99999999"])
def test_a_decimal_reference_of_more_than_seven_digits_shows_as_text(reference):
    html = render_markdown(f"a{reference}b <a href='https://example.com/{reference}' title='{reference}'>c</a>")
    assert reference not in html and html.count(reference[1:]) == 3, html


def test_references_of_seven_digits_or_fewer_stay_references():
    assert "a&#1114109;b &#x10FFFD; &#0000065;" in render_markdown("a&#1114109;b &#x10FFFD; &#0000065;")


@pytest.mark.parametrize(
    "source",
    [
        f"&#x{'f' * 5000};",
        f"![a](https://example.com/&#x{'0' * 5000}41;)",
        f"[a](https://example.com/&#X{'f' * 5000};)",
        f"&{'a' * 5000};",
        f"[a](https://example.com/&{'a' * 5000};)",
        f"![a](https://example.com/&{'amp;' * 2000})",
    ],
)
def test_long_hexadecimal_and_named_references_render(source):
    assert_safe(render_markdown(source))


def test_an_image_address_whose_references_cannot_be_read_is_refused():
    assert external_image(f"https://example.com/&#{DIGITS};") is False
    assert external_image(f"https://example.com/&#{DIGITS}") is False
    assert external_image("https://example.com/&#97;.png") is True


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


# Mentions: @[Name](member:12), linked by the renderer itself to the member's profile under their name now.

HOSTILE_NAMES = {
    12: ("Bob <script>alert(1)</script> \"quoted\" 'single'", "/members/12/"),
    13: ("javascript:alert(1)", "/members/13/"),
    14: ('"><img src=x onerror=alert(1)>', "/members/14/"),
}
MENTION_LINK = re.compile(r'<a class="mention" href="/members/(\d+)/">@([^<]*)</a>')


def known(ids):
    """The resolver a caller gives: only the members that exist (here, the hostile names)."""
    return {pk: HOSTILE_NAMES[pk] for pk in ids if pk in HOSTILE_NAMES}


def assert_safe_with_mentions(html: str) -> None:
    """Safe as everything else, and every class="mention" is a link the renderer built, nowhere else."""
    for tag, attrs in parsed(html):
        if ("class", "mention") in attrs:
            assert tag == "a" and len(attrs) == 2, html
            assert re.fullmatch(r"/members/\d+/", dict(attrs)["href"]), html
    assert_safe(MENTION_LINK.sub(r"\2", html))
    assert "\ue000" not in html and "\ue001" not in html and "\ue002" not in html


def test_a_mention_links_to_the_member_under_their_name_now():
    html = render_markdown("Thanks @[Bobby](member:12)!", mentions=known)
    assert html == (
        '<p>Thanks <a class="mention" href="/members/12/">@Bob &lt;script&gt;alert(1)&lt;/script&gt; '
        "\"quoted\" 'single'</a>!</p>"
    )


@pytest.mark.parametrize("pk", [13, 14])
def test_hostile_names_are_text_inside_the_link(pk):
    html = render_markdown(f"@[x](member:{pk})", mentions=known)
    assert_safe_with_mentions(html)
    assert [m.group(1) for m in MENTION_LINK.finditer(html)] == [str(pk)]
    assert "<img" not in html


def test_an_unknown_member_is_the_name_written_as_plain_text():
    assert render_markdown("Hi @[Ghost <b>](member:999)", mentions=known) == "<p>Hi @Ghost &lt;b&gt;</p>"


def test_without_a_resolver_mentions_are_plain_text():
    assert render_markdown("Hi @[Bob](member:12)") == "<p>Hi @Bob</p>"


@pytest.mark.parametrize(
    "source",
    [
        "`@[Bob](member:12)`",
        "```\n@[Bob](member:12)\n```",
        "    @[Bob](member:12)",
        "~~~python\nx = '@[Bob](member:12)'\n~~~",
    ],
)
def test_mentions_inside_code_are_neither_linked_nor_counted(source):
    html = render_markdown(source, mentions=known)
    assert "mention" not in html and "@[Bob](member:12)" in html
    assert mentioned_ids(source) == []


@pytest.mark.parametrize(
    "source",
    [
        "\ue0000\ue001",
        "\ue002" + "0\ue001",
        "@[Bob](member:12) \ue0000\ue001 \ue0001\ue001",
        '<a class="mention" href="/members/12/">@Bob</a>',
        '<span class="mention">@Bob</span>',
        "[@Bob](/members/12/)",
        "&#xe000;0&#xe001;",
    ],
)
def test_a_member_cannot_forge_a_mention(source):
    html = render_markdown(source, mentions=known)
    assert_safe_with_mentions(html)
    assert len(MENTION_LINK.findall(html)) == source.count("](member:")


@pytest.mark.parametrize(
    "source",
    [
        "see http://example.com/@[Bob](member:12) there",
        "[a link @[Bob](member:12)](https://example.com)",
        "[a link](https://example.com/@[Bob](member:12))",
        '[a link](https://example.com "@[Bob](member:12)")',
        "![@[Bob](member:12)](https://images.example.org/a.png)",
    ],
)
def test_a_mention_inside_a_link_or_an_attribute_is_never_a_link_in_a_link(source):
    html = render_markdown(source, mentions=known)
    assert_safe_with_mentions(html)
    assert "mention" not in html


def test_mentioned_ids_are_each_member_once_in_order():
    assert mentioned_ids("@[A](member:3) @[B](member:1) @[A again](member:3)") == [3, 1]


def test_only_the_first_twenty_members_mentioned_are_linked():
    many = {pk: (f"M{pk}", f"/members/{pk}/") for pk in range(1, 31)}
    source = " ".join(f"@[M{pk}](member:{pk})" for pk in range(1, 31))
    html = render_markdown(source, mentions=lambda ids: {pk: many[pk] for pk in ids})
    assert [int(pk) for pk, _name in MENTION_LINK.findall(html)] == list(range(1, MENTIONS_MAX + 1))
    assert "@M30" in html


def test_the_resolver_is_asked_once_for_the_members_mentioned():
    asked = []
    render_markdown(
        "@[A](member:12) @[B](member:13) @[A](member:12)", mentions=lambda ids: asked.append(list(ids)) or {}
    )
    assert asked == [[12, 13]]


MENTION_FRAGMENTS = st.sampled_from(
    ["@[", "](member:", "12", "13", "14", ")", "\ue000", "\ue001", "\ue002", "0", "`", "```\n", "[", "](", "http://a.example/",
     '"', "<a ", 'class="mention"', ">", "</a>", "!", " ", "\n"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(MENTION_FRAGMENTS, FRAGMENTS, st.text(max_size=4)), max_size=40).map("".join))
def test_no_mention_ever_leaves_the_allowlist(source):
    assert_safe_with_mentions(render_markdown(source, mentions=known))


@pytest.mark.parametrize("text", ["<code>@[Alice](member:7)</code>", "<pre>@[Alice](member:7)</pre>"])
def test_a_mention_in_raw_html_code_neither_links_nor_notifies(text):
    assert mentioned_ids(text) == []
    html = render_markdown(text, mentions=lambda ids: {7: ("Alice", "/members/7/")})
    assert 'class="mention"' not in html and "/members/7/" not in html


# Links, as a new account's posts are limited by them.


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("No links here.", 0),
        ("See https://a.example.com and www.b.example.org", 2),
        ("[one](https://a.example) and <a href='https://b.example'>two</a> and [three](https://c.example)", 3),
        ("`https://a.example` in code is text", 0),
        ("A [link without a place]() and javascript:alert(1)", 0),
    ],
)
def test_links_are_counted_as_rendered(text, links):
    assert link_count(render_markdown(text)) == links


def test_a_mention_is_no_link_out():
    assert link_count(render_markdown("Thanks @[Bobby](member:12), see https://a.example.com", mentions=known)) == 1
