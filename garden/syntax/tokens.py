"""Walking markdown-it's flat token lists."""

from __future__ import annotations

from markdown_it.token import Token


def closing_index(tokens: list[Token], opening: int) -> int:
    """Index of the token closing the one at `opening` (the last token if none does)."""
    level = 0
    for index in range(opening, len(tokens)):
        level += tokens[index].nesting
        if level == 0:
            return index
    return len(tokens) - 1


class _NoEntries(dict):
    """An empty mapping that refuses entries, shared by every parsed token whose `attrs` or `meta`
    is empty: markdown-it gives each token two dicts of its own, which in a large garden's parsed
    notes take about a sixth of the build's memory. Unpickled, it is the same shared object."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a parsed token's empty attrs or meta are shared: give the token a dict of its own")

    __setitem__ = __delitem__ = __ior__ = update = setdefault = pop = popitem = clear = _refuse

    def __reduce__(self) -> str:
        return "NO_ENTRIES"


NO_ENTRIES = _NoEntries()


def compact(tokens: list[Token], shared: dict[tuple, Token]) -> None:
    """Lighten parsed tokens once the parse stage has read them: empty `attrs` and `meta` become
    the shared `NO_ENTRIES`, line maps (read only while parsing) go, and tokens equal in every field
    with neither children, attributes nor meta (a note's many `paragraph_open`s, its `text` tokens
    of one space) become one token, the first met, kept in `shared`: a note pickles and unpickles
    each once."""
    for index, token in enumerate(tokens):
        if not token.attrs:
            token.attrs = NO_ENTRIES
        if not token.meta:
            token.meta = NO_ENTRIES
        token.map = None
        if token.children:
            compact(token.children, shared)
        elif token.attrs is NO_ENTRIES and token.meta is NO_ENTRIES:
            fields = (token.type, token.tag, token.nesting, token.level, token.content, token.markup, token.info,
                      token.block, token.hidden)
            tokens[index] = shared.setdefault(fields, token)
