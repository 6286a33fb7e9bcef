"""The one allowlist sanitiser (nh3) that everything from a note or a note's code passes through.

Math (MathML), raw HTML written in notes and rich outputs of code (SVG figures, `_repr_html_`)
are markup that garden did not write; they reach a page only through `sanitize`, which keeps the
HTML, MathML and SVG elements and attributes listed here and drops everything else: scripts,
event handlers, `style` elements (and CSS in SVG `style` attributes beyond presentation
properties), foreign elements, and URLs other than relative
ones, `#fragments`, http(s), mailto and inline raster images.
"""

from __future__ import annotations

import re

import nh3

HTML_TAGS = {
    "a", "abbr", "audio", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details",
    "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img",
    "input", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "video", "wbr",
}
MATHML_TAGS = {
    "math", "menclose", "merror", "mfrac", "mi", "mmultiscripts", "mn", "mo", "mover", "mpadded", "mphantom",
    "mprescripts", "mroot", "mrow", "ms", "mspace", "msqrt", "mstyle", "msub", "msubsup", "msup", "mtable", "mtd",
    "mtext", "mtr", "munder", "munderover", "none", "semantics", "annotation",
}
SVG_TAGS = {
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title",
    "desc", "defs", "use", "clipPath", "linearGradient", "radialGradient", "stop", "image", "marker", "pattern",
    "mask", "symbol",
}
COMMON = {"class", "id", "title", "lang", "dir", "role", "aria-label", "aria-hidden"}
MATHML_ATTRIBUTES = {
    "xmlns", "display", "mathvariant", "mathsize", "mathcolor", "mathbackground", "displaystyle", "scriptlevel",
    "stretchy", "fence", "separator", "lspace", "rspace", "minsize", "maxsize", "largeop", "movablelimits",
    "accent", "accentunder", "form", "linethickness", "notation", "columnalign", "rowalign", "columnlines",
    "rowlines", "columnspacing", "rowspacing", "columnspan", "rowspan", "frame", "framespacing", "width",
    "height", "depth", "voffset", "open", "close", "separators", "align", "linebreak", "encoding",
}
SVG_ATTRIBUTES = {
    "xmlns", "version", "viewBox", "preserveAspectRatio", "width", "height", "x", "y", "x1", "y1", "x2", "y2",
    "cx", "cy", "r", "rx", "ry", "d", "points", "transform", "fill", "fill-opacity", "fill-rule", "stroke",
    "stroke-width", "stroke-opacity", "stroke-dasharray", "stroke-dashoffset", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "opacity", "clip-path", "clip-rule", "clipPathUnits", "mask",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "dx", "dy",
    "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "fx", "fy", "href",
    "xlink:href", "markerWidth", "markerHeight", "refX", "refY", "orient", "markerUnits", "patternUnits",
    "visibility", "display", "vector-effect", "style",
}
SVG_STYLE_PROPERTIES = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
    "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "opacity", "clip-path",
    "font-family", "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "stop-color",
    "stop-opacity", "visibility", "display", "color", "paint-order",
}
HTML_ATTRIBUTES = {
    "a": {"href"}, "img": {"src", "alt", "width", "height"}, "input": {"type", "checked", "disabled"},
    "details": {"open"}, "ol": {"start"}, "td": {"colspan", "rowspan", "align"}, "th": {"colspan", "rowspan", "align"},
    "time": {"datetime"},
    "audio": {"src", "controls"}, "video": {"src", "controls", "width", "height"},
}
RASTER_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
SAFE_URL = re.compile(r"(?:https?:|mailto:|#|[^:]*(?:[/?#]|\Z))", re.IGNORECASE)
FOREIGN_URL = re.compile(r"url\(\s*['\"]?(?!#)", re.IGNORECASE)


def _attributes() -> dict[str, set[str]]:
    allowed: dict[str, set[str]] = {tag: set(COMMON) for tag in HTML_TAGS | MATHML_TAGS | SVG_TAGS}
    for tag in MATHML_TAGS:
        allowed[tag] |= MATHML_ATTRIBUTES
    for tag in SVG_TAGS:
        allowed[tag] |= SVG_ATTRIBUTES
    for tag, names in HTML_ATTRIBUTES.items():
        allowed[tag] |= names
    return allowed


ATTRIBUTES = _attributes()


def _filter(element: str, attribute: str, value: str) -> str | None:
    """Drop URLs that could run script or reach the network from an attribute nh3 allowed."""
    if attribute in ("href", "xlink:href", "src"):
        if RASTER_IMAGE.match(value):
            return value if element in ("img", "image") else None
        if element in ("use", "image") and not value.startswith("#"):
            return None
        return value if SAFE_URL.match(value.strip()) else None
    return None if FOREIGN_URL.search(value) else value


def sanitize(html: str) -> str:
    """`html` with everything outside the allowlist removed (script and style with their content)."""
    return nh3.clean(
        html,
        tags=HTML_TAGS | MATHML_TAGS | SVG_TAGS,
        attributes=ATTRIBUTES,
        clean_content_tags={"script", "style"},
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_filter,
        link_rel=None,
        filter_style_properties=SVG_STYLE_PROPERTIES,
        strip_comments=True,
    )


PREVIEW_TAGS = (HTML_TAGS - {"a", "img", "audio", "video", "input", "details", "summary"}) | MATHML_TAGS
PREVIEW_DROPPED = {"id", "href", "src"}  # ids would clash with the page showing the preview; its links are relative
PREVIEW_CLEANER = nh3.Cleaner(  # set up once: a build sanitises a few previews per page
    tags=PREVIEW_TAGS,
    attributes={tag: ATTRIBUTES[tag] - PREVIEW_DROPPED for tag in PREVIEW_TAGS},
    clean_content_tags={"script", "style", "svg"},
    url_schemes=set(),
    link_rel=None,
    strip_comments=True,
)


def sanitize_preview(html: str) -> str:
    """Rendered HTML narrowed for a link preview shown on any page: text, its formatting and math are
    kept; links become their text; ids, images, media, SVG, scripts and styles go."""
    return PREVIEW_CLEANER.clean(html)
