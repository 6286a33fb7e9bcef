"""Plain text of parsed blocks, for word counts, breadcrumbs and titles."""

from __future__ import annotations

from markdown_it.token import Token

TEXT_TYPES = {"text", "code_inline", "wikilink", "tag", "attribute", "math_inline", "math_display", "blockref",
              "blockref_alias", "embed"}
SHOWN_BY_NAME = {"macro": "name", "video": "url"}  # tokens whose text is one of their meta values


def plain_text(tokens: list[Token]) -> str:
    """The visible words of a token stream, without markup."""
    parts: list[str] = []
    for token in tokens:
        if token.type == "macro" and token.meta.get("name") in ("word-count", "table"):
            continue
        if token.type in SHOWN_BY_NAME:
            parts.append(token.meta.get(SHOWN_BY_NAME[token.type]) or "")
        elif token.children:
            parts.append(plain_text(token.children))
        elif token.type in TEXT_TYPES:
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
        if token.block and token.nesting == -1:
            parts.append(" ")
    return "".join(parts).strip()


def word_count(text: str) -> int:
    """Words as Roam counts them: runs of non-space characters."""
    return len(text.split())


def shorten(text: str, limit: int = 80) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"
