"""The markdown-it parser with one plugin per Roam construct."""

from __future__ import annotations

from markdown_it import MarkdownIt

from garden.syntax.admonitions import admonitions_plugin
from garden.syntax.attributes import attributes_plugin
from garden.syntax.blockrefs import blockrefs_plugin
from garden.syntax.embeds import embeds_plugin
from garden.syntax.footnotes import footnotes_plugin
from garden.syntax.formatting import formatting_plugin
from garden.syntax.macros import macros_plugin
from garden.syntax.math import math_plugin
from garden.syntax.paths import paths_plugin
from garden.syntax.tags import tags_plugin
from garden.syntax.tasks import tasks_plugin
from garden.syntax.wikilinks import wikilinks_plugin

PLUGINS = (
    admonitions_plugin,
    attributes_plugin,
    tasks_plugin,
    wikilinks_plugin,
    footnotes_plugin,
    tags_plugin,
    macros_plugin,
    blockrefs_plugin,
    formatting_plugin,
    math_plugin,
    embeds_plugin,
    paths_plugin,
)


def make_parser(flavor: str = "roam") -> MarkdownIt:
    """CommonMark with tables, strikethrough, bare web addresses as links (as Obsidian and Logseq
    show them) and the Roam constructs, as `flavor` reads them (in
    Obsidian a tag needs a character that is not a digit: `#2024` is text).

    Raw HTML is parsed as CommonMark says; the renderer passes blocks holding it through the
    sanitiser (`garden.render.sanitize`).
    """
    md = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(["table", "strikethrough", "linkify"])
    md.options["numeric_tags"] = flavor != "obsidian"
    for plugin in PLUGINS:
        md.use(plugin)
    return md
