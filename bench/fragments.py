"""Pieces of garden's constructs and their near-misses, for the mutation fuzzer (`bench/mutate.py`)."""

from __future__ import annotations

LINKS = [
    "[[Page]]", "[[Page", "Page]]", "[[", "]]", "[[]]", "[[ ]]", "[[a|b]]", "[[a|", "[[|]]", "[[a#h]]", "[[#]]",
    "[[C# Notes]]", "[[[[x]] y]]", "[[[[x]] y]", "[[x]] y]]", "[alias]([[Page]])", "[alias]([[Page]]", "[a](",
    "[[a/b/../c]]", "[[con]]", "[[index]]", "[[ Page ]]", "[[Pa\nge]]", "[[`code`]]", "[[$$x$$]]",
]
TAGS = ["#tag", "#", "##", "#-", "#_", "#[[multi word]]", "#[[multi", "#[[]]", "#[[a]] b]]", "a#b", "#tag/sub/", "#1"]
ATTRIBUTES = ["Key:: value", "Key::", ":: value", "a::b", "Tags:: [[x]], #y", "Type:: [[", "`Key`:: v", "::"]
BLOCK_REFS = ["((abc))", "((", "))", "((abc)", "(( ))", "((a b))", "((((abc))))", " ^block-id", " ^", " ^-", " ^123"]
MACROS = [
    "{{embed: ((abc))}}", "{{embed: ((", "{{embed:}}", "{{embed: [[Page]]}}", "{{[[embed]]: [[Page]]}}",
    "{{[[embed]]: [[", "{{[[TODO]]}}", "{{[[DONE]]}}", "{{TODO}}", "{{[[TODO]]", "{{[[", "{{word-count}}",
    "{{word-count", "{{query: {and: [[a]] [[b]]}}}", "{{query:", "{{query: }}", "{{}}", "{{", "}}", "{{{", "{{:}}",
    "{{embed: {{embed: ((abc))}}}}",
]
MATH = [
    "$$x$$", "$$", "$$ $$", "$$\\frac{a}{b}$$", "$$\\frac{$$", "$$\\text{<b>x</b>}$$", "$$\\text{$$",
    "$$\\begin{pmatrix}1&2\\\\3&4\\end{pmatrix}$$", "$$\\begin{pmatrix}$$", "$$\\end{x}$$", "$$\\\\$$", "$$}{$$",
    "$$^^_$$", "$$\\sqrt[$$", "$$\\left($$", "$$\\mathbb{$$", "$$&$$", "$$\\unicode{x}$$", "$$\\over\\over$$",
    "$$\\begin{array}{c|c}a\\end{array}$$", "$$\\color{red}$$", "$$x^{y^{z^{w}}}$$", "$$\\operatorname{$$",
]
FENCES = [
    "```python\nprint(1)\n```\n", "```", "```python\n", "```\n", "~~~", "````", "```neuron\ninputs = [\n```\n",
    "```network\n[[[\n```\n", "```output\n1\n```\n", "```python\n#| exec: maybe\n```\n",
    "```python\n#| uses: [[A\n```\n", "```python\n#| timeout: -1\n>>> 1/0\n```\n", "```python\n>>> x\n... \n```\n",
    ">>> ", "... ", "#| ", "#| uses: [[Page]]\n", "```pycon\n>>> print(1)\n2\n```\n", "```python {.x}\n",
]
FRONT_MATTER = [
    "---\ntitle: x\n---\n", "---\n", "---\ntitle: [a\n---\n", "---\ntitle: 1\ntitle: 2\n---\n",
    "---\na: &a [1]\nb: *a\n---\n", "---\ntitle: !!python/object/apply:os.system [x]\n---\n", "---\n- a\n---\n",
    "---\ntitle:\n  - a\n---\n", "---\ntags: [[a]]\n---\n", "---\naliases: {a: 1}\n---\n",
    "---\ntitle: 2021-01-01\n---\n", "---\n\t\n---\n", "---\ntitle: ''\n---\n", "---\ntitle: index\n---\n",
    "---\naliases: [Page, Page]\ntags: x, , y\n---\n", "---\n? [a]\n: b\n---\n", "---\ntitle: \"\\x00\"\n---\n",
]
HTML = [
    "<div>", "</div>", "<script>x</script>", "<!--", "-->", "<b", "<img src=x onerror=1>", "<![CDATA[", "<?php",
    "&amp;", "&#0;", "&#x110000;", "&nbsp", "<svg><foreignObject>", "<math><mi>", "<style>", "<textarea>",
]
MARKDOWN = [
    "**", "__", "^^", "~~", "`", "``", "![](", "[a]: <", "| a | b |\n|---|---|\n", "> ", "- ", "* ", "+ ", "1. ",
    "    ", "\t", "\\", "\\[[", "# ", "###### ", "***\n", "<", "&", "- [ ] ", "\n\n\n",
]
DATES = ["April 16th, 2021", "[[April 31st, 2021]]", "[[February 29th, 2023]]", "[[January 1st, 0]]"]

FRAGMENTS = LINKS + TAGS + ATTRIBUTES + BLOCK_REFS + MACROS + MATH + FENCES + FRONT_MATTER + HTML + MARKDOWN + DATES

ODD_CHARACTERS = [
    "\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\r", "\r\n", "\u00a0",
    "\u0301", "\u0336", "\u034f", "\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u202a", "\u202e", "\u2066",
    "\u2028", "\u2029", "\u2060", "\ufeff", "\ufffd", "\ufffe", "\uffff", "\U0001f600",
    "\U0001f468\u200d\U0001f469", "\U0001d400", "\U000e0001", "\U0010ffff", "\u0627\u0644", "\u05d0", "\u0130",
    "\u1e9e", "\ufb01", "\u2126", "\u0345", "A\u030a", "\u3000", "\uff3b\uff3b",
]

OPENERS = [
    "[[", "]]", "((", "))", "{{", "}}", "$$", "#[[", "`", "```\n", "- ", "\t", "    ", ">", "**", "__", "^^", "~~",
    "[", "](", "<", "<!--", "|", "::", "#", "#a ", "[[a]] ", "*", "\\", "![", "<div>", "$", "(", ")", "]",
    "&", "[a]([[", "{{embed: ((", "- a\n", "\n", "---\n", "\x00", "\r",
]
# Openers whose repetition garden's link, tag and macro scanners handle in quadratic time (each
# opener scans to the end of the block); kept short until garden/syntax has linear scanners.
CAPPED_OPENERS = {"[[": 200, "#[[": 200, "{{": 200, "[": 200, "[a]([[": 200, "{{embed: ((": 200}
