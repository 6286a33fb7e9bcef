"""Hypothesis strategies for note text: every construct garden reads, each also truncated or unbalanced.

Nesting stays shallow and openers repeat at most 20 times, so that each example builds quickly:
deep outlines and long runs of `[[`, `{{` or `#[[` are tests/test_hostile_parsing.py's cases, and
bench/hostile.py measures how their build time grows.
"""

from __future__ import annotations

from hypothesis import strategies as st

ODD = st.sampled_from([
    "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\u00a0", "\u0301", "\u034f", "\u200b",
    "\u200d", "\u200f", "\u202e", "\u2066", "\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff", "\U0001f600",
    "\U0001d400", "\U000e0001", "\U0010ffff", "\u0627\u0644", "\u05d0", "\u0130", "\ufb01", "A\u030a", "\r",
])
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
WORD = st.sampled_from(["Page", "Neural Network", "a", "C# Notes", "x/y", "April 16th, 2021", "index", "con",
                        "Über", "日本語", "..", " ", ""])
TITLE = st.one_of(WORD, ANY_TEXT, st.lists(st.one_of(WORD, ODD), max_size=4).map(" ".join))
BLOCK_ID = st.one_of(st.sampled_from(["abc", "a-1", "neuron-def", "1", "-", "ü"]), ANY_TEXT)


@st.composite
def near_miss(draw: st.DrawFn, construct: st.SearchStrategy[str]) -> str:
    """The construct whole, or cut, missing a character, or with a stretch of it repeated."""
    text = draw(construct)
    how = draw(st.sampled_from(["whole", "whole", "prefix", "suffix", "drop", "repeat"]))
    cut = draw(st.integers(0, len(text)))
    if how == "prefix":
        return text[:cut]
    if how == "suffix":
        return text[cut:]
    if how == "drop":
        return text[:cut] + text[cut + 1:]
    if how == "repeat":
        return text[:cut] + text[cut:cut + 2] * draw(st.integers(2, 20)) + text[cut:]
    return text


LINK = st.one_of(
    st.builds("[[{}]]".format, TITLE), st.builds("[[{}|{}]]".format, TITLE, TITLE),
    st.builds("[[{}#{}]]".format, TITLE, TITLE), st.builds("[[[[{}]] {}]]".format, TITLE, TITLE),
    st.builds("[{}]([[{}]])".format, TITLE, TITLE),
)
TAG = st.one_of(st.builds("#{}".format, TITLE), st.builds("#[[{}]]".format, TITLE))
MACRO = st.one_of(
    st.builds("{{{{embed: (({}))}}}}".format, BLOCK_ID), st.builds("{{{{[[embed]]: [[{}]]}}}}".format, TITLE),
    st.sampled_from(["{{[[TODO]]}}", "{{[[DONE]]}}", "{{TODO}}", "{{word-count}}", "{{}}", "{{:}}"]),
    st.builds("{{{{query: {{and: {} {}}}}}}}".format, LINK, TAG), st.builds("{{{{{}}}}}".format, TITLE),
    st.builds("{{{{embed-children: (({}))}}}}".format, BLOCK_ID), st.builds("{{{{embed-path: (({}))}}}}".format, BLOCK_ID),
    st.builds("{{{{[[video]]: {}}}}}".format, st.sampled_from(["https://youtu.be/x", "javascript:x", "", "https://"])),
    st.builds("{{{{[[{}]]: {}}}}}".format, TITLE, LINK), st.sampled_from(["{{[[table]]}}", "{{[[slider]]}}", "{{calc: 1+}}"]),
)
LATEX = st.lists(st.sampled_from([
    "x", "^", "_", "{", "}", "\\frac{a}{b}", "\\frac{", "\\text{<b>t</b>}", "\\text{", "\\begin{pmatrix}",
    "\\end{pmatrix}", "1 & 2 \\\\ 3", "\\sqrt[3]{", "\\left(", "\\right)", "\\mathbb{R}", "\\alpha", "\\over",
    "\\unicode{60}", "\\href{javascript:x}{y}", "\\color{red}", "\\operatorname{", "&", "\\", "%", "$",
]), max_size=8).map("".join)
MATH = st.builds("$${}$$".format, LATEX)
FORMATTING = st.builds(lambda mark, text: f"{mark}{text}{mark}",
                       st.sampled_from(["**", "__", "^^", "~~", "`", "*", "==", "%%"]), TITLE)
HTML = st.sampled_from([
    "<div>", "</div>", "<b>bold</b>", "<script>x()</script>", "<!--", "-->", "<img src=x onerror=y>", "<![CDATA[",
    "<svg><circle r='1'/></svg>", "<math><mi>x</mi></math>", "&amp;", "&#0;", "&#x110000;", "<style>", "<a href=",
])
MARKDOWN = st.sampled_from(["[a](b)", "![i](x.png)", "> quote", "# ", "| a | b |", "\\", "<", "1. ", "***",
                            "> [!note] T", "> [!tip]- ", "[ ] ", "[x] ", "[^1]", "[^1]: ", "#+BEGIN_NOTE", "#+END_NOTE",
                            "%%", "id:: abc-1", "collapsed:: true", "![[x.png|10]]", "![[Page#^abc]]", "<fn>",
                            "https://example.org", "[t](Other%20Note.md#H)", "[t](((abc)))", "**K::** v", "{#id}"])
INLINE = st.one_of(
    near_miss(LINK), near_miss(TAG), near_miss(st.builds("(({}))".format, BLOCK_ID)), near_miss(MACRO),
    near_miss(MATH), near_miss(FORMATTING), HTML, MARKDOWN, WORD, ODD, ANY_TEXT, st.just(" "),
)
ATTRIBUTE = st.builds("{}:: ".format, near_miss(TITLE))


@st.composite
def block_text(draw: st.DrawFn) -> str:
    """One block's first line: an optional `Key::`, inline pieces, an optional ` ^id`."""
    text = draw(st.one_of(st.just(""), ATTRIBUTE)) + "".join(draw(st.lists(INLINE, max_size=8)))
    return text + draw(st.one_of(st.just(""), st.builds(" ^{}".format, BLOCK_ID)))


CODE_LINE = st.one_of(st.sampled_from([
    "print(1)", "x = 1", "x", 'p = "\\d%"', ">>> 1 + 1", "2", "... ", ">>> print('a')", "def f(:", "import numpy as np",
    "#| exec: false", "#| exec: maybe", "#| uses: [[Activation Function]], [[Neuron]]", "#| uses: [[", "#| uses: x",
    "#| timeout: 1", "#| timeout: -1", "#| raises: ValueError", "#| rtol: abc", "#| doctest: +ELLIPSIS -BOGUS",
    "#| echo: false", "#|", "inputs = [1, 2]", "weights = [", "activation = 'sigmoid'", "[train]", "[expect]",
    "z = 1", "layers = [2, 3, 1]", "data = 'xor'", "epochs = 1e9", "```", "~~~", "",
]), ANY_TEXT)


@st.composite
def fence(draw: st.DrawFn, indent: str) -> list[str]:
    """A code fence as the lines of a block: executable kinds, options, examples; maybe never closed."""
    marker = draw(st.sampled_from(["```", "````", "~~~"]))
    kind = draw(st.sampled_from(["python", "neuron", "network", "output", "pycon", "", "js", "python {.x}"]))
    body = draw(st.lists(CODE_LINE, max_size=6))
    close = draw(st.sampled_from([marker, marker, "", "``", marker + "`", "~~~"]))
    return [marker + kind] + [indent + line for line in body] + [indent + close]


@st.composite
def outline(draw: st.DrawFn) -> list[str]:
    """Lines of `- ` blocks at random indentation (spaces, tabs, staircases), some holding fences."""
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 8))):
        indent = "".join(draw(st.lists(st.sampled_from([" ", "  ", "    ", "\t"]), max_size=12)))
        bullet = draw(st.sampled_from(["- ", "- ", "- ", "* ", "+ ", "-", "", "1. "]))
        if draw(st.integers(0, 5)) == 0:
            first, *rest = draw(fence(indent + " " * len(bullet)))
            lines += [indent + bullet + first, *rest]
        elif draw(st.integers(0, 9)) == 0:
            depth, step = draw(st.integers(1, 60)), draw(st.sampled_from(["  ", "    ", "\t", " "]))
            lines += [indent + step * level + bullet + draw(block_text()) for level in range(depth)]
        else:
            lines.append(indent + bullet + draw(block_text()))
    return lines


YAML_VALUE = st.one_of(TITLE, st.sampled_from([
    "[a, b]", "[a, [[b]]]", "{a: 1}", "&a [1]", "*a", "1", "2021-01-01", "null", "!!binary aGk=", "|", "'open",
    '"esc \\x00"', "? x", "- item", "true", "[", "{", "!!python/object/apply:os.system [x]", "\x01",
]))
YAML_LINE = st.one_of(
    st.builds("{}: {}".format, st.sampled_from(["title", "aliases", "tags", "x", "title"]), YAML_VALUE),
    st.sampled_from(["  - nested", "\t", "---", "...", "%YAML 1.1", "# comment", "a: &x 1\nb: *x", "title:",
                     "? [a]\n: b", "? {a: 1}\n: b", "<<: {title: m}"]),
)


@st.composite
def front_matter(draw: st.DrawFn) -> list[str]:
    """No header, or `---` YAML lines, duplicate keys and aliases included, closed or not."""
    if draw(st.booleans()):
        return []
    close = draw(st.sampled_from([["---"], ["---"], ["--- "], ["----"], []]))
    return ["---", *draw(st.lists(YAML_LINE, max_size=5)), *close]


@st.composite
def note(draw: st.DrawFn) -> str:
    """A whole note: front matter, prose, outline, raw lines; LF, CRLF, lone CR or a mix; maybe a BOM."""
    prose = draw(st.lists(block_text(), max_size=2))
    lines = draw(front_matter()) + prose + draw(outline()) + draw(st.lists(near_miss(CODE_LINE), max_size=2))
    endings = draw(st.lists(st.sampled_from(["\n", "\n", "\r\n", "\r", "\n\n"]), min_size=len(lines),
                            max_size=len(lines)))
    bom = draw(st.sampled_from(["", "", "\ufeff"]))
    return bom + "".join(line + ending for line, ending in zip(lines, endings))
