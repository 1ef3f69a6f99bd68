"""Inputs that made Python-Markdown slow or crash, each as long as an idea's description may be.

Shared by the render-time tests (tests/core/test_content_bounds.py) and bench/render_cost.py.
"""

from ideas.models import BODY_MAX

N = BODY_MAX


def _repeat(piece: str, size: int = N) -> str:
    return (piece * (size // len(piece) + 1))[:size]


def _filled(head: str, tail: str, fill: str = "1") -> str:
    """`head`, then `fill` repeated, then `tail`: as long as a description may be."""
    return head + fill * (N - len(head) - len(tail)) + tail


def _lines(make, size: int = N) -> str:
    out, depth = [], 0
    while sum(map(len, out)) + len(out) < size:
        out.append(make(depth))
        depth += 1
    return "\n".join(out)[:size]


SHAPES = {
    "[ repeated": _repeat("["),
    "![ repeated": _repeat("!["),
    "[[ ]] nested": "[" * (N // 2) + "]" * (N // 2),
    "[ x ] nested around one word": "[" * (N // 2) + "x" + "]" * (N // 2 - 1),
    "[a repeated": _repeat("[a"),
    "[ and newline": _repeat("[\n"),
    "[( repeated": _repeat("[("),
    "[< repeated": _repeat("[<"),
    "[` repeated": _repeat("[`"),
    "`[ repeated": _repeat("`["),
    "[* repeated": _repeat("[*"),
    "*[ repeated": _repeat("*["),
    "[![ repeated": _repeat("[!["),
    "[^ repeated": _repeat("[^"),
    "[x][ repeated": _repeat("[x]["),
    "[x]( repeated": _repeat("[x]("),
    "[ ]( repeated": _repeat("[ ]("),
    "![]( repeated": _repeat("![]("),
    "![x](< repeated": _repeat("![x](<"),
    "[x](a ' repeated": _repeat("[x](a '"),
    '[x](a "(b repeated': _repeat('[x](a "(b'),
    "[x](( then )": "[x](" + "(" * (N // 2) + ")" * (N // 2 - 4),
    "[a]( closed once at the end": _repeat("[a](", N - 1) + ")",
    "<a>[ repeated": _repeat("<a>["),
    "<![ repeated": _repeat("<!["),
    "<![CDATA[ repeated": _repeat("<![CDATA["),
    "< repeated": _repeat("<"),
    "<a repeated": _repeat("<a"),
    "<a and space repeated": _repeat("<a "),
    "<a href= repeated": _repeat("<a href="),
    '<a href=" repeated': _repeat('<a href="'),
    "<!-- repeated": _repeat("<!--"),
    "<? repeated": _repeat("<?"),
    "<div> repeated": _repeat("<div>"),
    "* repeated": _repeat("*"),
    "_ run then * run": "_" * (N // 6) + "*" * (N - N // 6),
    "x, spaces, * run": "x " + "*" * (N - 4) + " x",
    "*a repeated": _repeat("*a"),
    "**a repeated": _repeat("**a"),
    "***a repeated": _repeat("***a"),
    "_a repeated": _repeat("_a"),
    "*_ repeated": _repeat("*_"),
    "*x* nested": "*" * (N // 2) + "x" + "*" * (N // 2 - 1),
    "` repeated": _repeat("`"),
    "``\\ repeated": _repeat("``\\"),
    "_>&lt; repeated": _repeat("_>&lt;"),
    "~~~ then spaces": "~~~" + " " * (N - 3),
    "~~~ run then tabs": "~" * 850 + "\t" * 1950,
    "reference target then quotes": "[a]: |-|(x)" + "'" * (N - 11),
    "``a repeated": _repeat("``a"),
    "> repeated": _repeat(">"),
    "> lines, deeper each": _lines(lambda depth: "> " * depth + "x"),
    "- repeated on one line": _repeat("- ", N - 1) + "a",
    "1. repeated on one line": _repeat("1. "),
    "* repeated on one line": _repeat("* ", N - 1) + "a",
    "- lines, deeper each": _lines(lambda depth: "    " * depth + "- x"),
    "1. lines, deeper each": _lines(lambda depth: "    " * depth + "1. x"),
    "> - lines, deeper each": _lines(lambda depth: "> - " * depth + "x"),
    "- x16 then x<a -->![ lines": _repeat("- " * 16 + "x<a -->![\n"),
    "- x16 then <a --> lines": _repeat("- " * 16 + "<a -->\n"),
    "- > x8 then x<a -->![ lines": _repeat("- > " * 8 + "x<a -->![\n"),
    "- x16 then <b> lines": _repeat("- " * 16 + "<b>\n"),
    '- x16 then <a title="</a>"> lines': _repeat("- " * 16 + '<a title="</a>">\n'),
    "- newline repeated": _repeat("-\n"),
    "= newline repeated": _repeat("a\n=\n"),
    "--- lines": _repeat("---\n"),
    "* * * lines": _repeat("* * *\n"),
    "# lines": _repeat("# a\n"),
    "| repeated": _repeat("|"),
    "| lines": _repeat("|\n"),
    "|a| lines": _repeat("|a|\n"),
    "table, many rows": "a|b\n-|-\n" + _repeat("c|d\n", N - 8),
    "table, many columns": "|" + "a|" * 1000 + "\n|" + "-|" * 1000 + "\n" + _repeat("|b", N - 4004),
    "[a]: lines": _repeat("[a]:\n"),
    "reference definitions": _lines(lambda n: f"[a{n}]: https://example.com/{n}"),
    "reference uses": "[a]: https://example.com\n" + _repeat("[a]", N - 25),
    "& repeated": _repeat("&"),
    "&#digits; (past what Python reads)": _filled("&#", ";"),
    "&#digits without ;": _filled("x &#", ""),
    "link to &#digits;": _filled("[a](https://e.com/&#", ";)"),
    "link title &#digits;": _filled('[a](https://e.com/ "&#', ';")'),
    "image from &#digits;": _filled("![a](https://e.com/&#", ";)"),
    "image alt &#digits;": _filled("![&#", ";](https://e.com/a.png)"),
    "bare URL &#digits;": _filled("https://e.com/&#", ";"),
    "raw <img> &#digits;": _filled('<img src="https://e.com/&#', ';">'),
    "code span &#digits;": _filled("`&#", ";`"),
    "code block &#digits;": _filled("    &#", ";"),
    "&#0… then 65;": _filled("&#", "65;", "0"),
    "&#x hex digits;": _filled("&#x", ";", "f"),
    "image from &#x hex digits;": _filled("![a](https://e.com/&#x", ";)", "f"),
    "&named;, long": _filled("&", ";", "a"),
    "&#12345678; repeated": _repeat("&#12345678;"),
    "&amp;#12345678; repeated": _repeat("&amp;#12345678;"),
    "\\ repeated": _repeat("\\"),
    "``` lines": _repeat("```\n"),
    "https:// links": _repeat("https://a.example "),
    "a.b- repeated (a host without end)": _repeat("a.b-"),
    "a.b.c labels": _repeat("a."),
    "small tables": _repeat("a|b\n-|-\n#\n\n|"),
    "<https://> links": _repeat("<https://a.example>"),
    "blank lines": _repeat("\n"),
    "spaces and newline": _repeat("a  \n"),
}
