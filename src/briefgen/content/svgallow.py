"""What an SVG picture may contain: the allow-lists `content/svgclean.py` keeps and removes by.

The lists are DOMPurify's, a sanitizer maintained and attacked in public, so that briefgen does
not grow a deny-list of its own that the next trick slips past. Source: github.com/cure53/DOMPurify
3.4.14 (commit 1fa97e8f0b671ded461adfe6af255f2aab4202d0), `src/tags.ts` (`svg`, `svgFilters`) and
`src/attrs.ts` (`svg`, `xml`), plus its default `ARIA_ATTR` and `DATA_ATTR` patterns and its
`IS_SCRIPT_OR_DATA` check of every value (`src/regexp.ts`), and `role` from its `html`
attributes, which it also allows on SVG elements.
Names are compared in lower case, as DOMPurify does; elements must be in the SVG namespace and
attributes in no namespace, XLink's or XML's (by namespace URI, whatever the prefix).

Changes from DOMPurify's defaults, each narrower or explained:
- `enterkeyhint`, `exportparts`, `inputmode` and `part` stand in DOMPurify's SVG *element* list
  but are HTML attribute names, not SVG elements: left out.
- `use` (in DOMPurify's disallowed list, because it can load another file) is kept: the cleaner
  lets it point only into the same picture (`#id`), and drawing programs (matplotlib, Inkscape)
  draw markers and glyphs with it.
- `xml:lang` is kept beside `lang`: it says which language SVG text is in.
- `href` and `xlink:href` are allowed names, but their values are checked separately: only a
  same-picture `#id`, or an embedded PNG or JPEG on `<image>`.
"""

from __future__ import annotations

import re

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"

# DOMPurify tags.ts `svg` and `svgFilters`, lower case, without the four HTML attribute names; plus `use`.
ELEMENTS = frozenset(
    """
    svg a altglyph altglyphdef altglyphitem animatecolor animatemotion animatetransform circle clippath defs desc
    ellipse filter font g glyph glyphref hkern image line lineargradient marker mask metadata mpath path pattern
    polygon polyline radialgradient rect stop style switch symbol text textpath title tref tspan view vkern
    feblend fecolormatrix fecomponenttransfer fecomposite feconvolvematrix fediffuselighting fedisplacementmap
    fedistantlight fedropshadow feflood fefunca fefuncb fefuncg fefuncr fegaussianblur feimage femerge
    femergenode femorphology feoffset fepointlight fespecularlighting fespotlight fetile feturbulence
    use
    """.split()
)

# DOMPurify attrs.ts `svg` (lower case), plus `role` from its `html` list.
ATTRIBUTES = frozenset(
    """
    accent-height accumulate additive alignment-baseline amplitude ascent attributename attributetype azimuth
    basefrequency baseline-shift begin bias by class clip clippathunits clip-path clip-rule color
    color-interpolation color-interpolation-filters color-profile color-rendering cx cy d dx dy diffuseconstant
    direction display divisor dominant-baseline dur edgemode elevation end exponent fill fill-opacity fill-rule
    filter filterunits flood-color flood-opacity font-family font-size font-size-adjust font-stretch font-style
    font-variant font-weight fx fy g1 g2 glyph-name glyphref gradientunits gradienttransform height href id
    image-rendering in in2 intercept k k1 k2 k3 k4 kerning keypoints keysplines keytimes lang lengthadjust
    letter-spacing kernelmatrix kernelunitlength lighting-color local marker-end marker-mid marker-start
    markerheight markerunits markerwidth maskcontentunits maskunits max mask mask-type media method mode min name
    numoctaves offset operator opacity order orient orientation origin overflow paint-order path pathlength
    patterncontentunits patterntransform patternunits pointer-events points preservealpha preserveaspectratio
    primitiveunits r rx ry radius refx refy repeatcount repeatdur restart result rotate scale seed
    shape-rendering slope specularconstant specularexponent spreadmethod startoffset stddeviation stitchtiles
    stop-color stop-opacity stroke-dasharray stroke-dashoffset stroke-linecap stroke-linejoin stroke-miterlimit
    stroke-opacity stroke stroke-width style surfacescale systemlanguage tabindex tablevalues targetx targety
    transform transform-origin text-anchor text-decoration text-orientation text-rendering textlength type u1 u2
    unicode values vector-effect viewbox visibility version vert-adv-y vert-origin-x vert-origin-y width
    word-spacing wrap writing-mode xchannelselector ychannelselector x x1 x2 xmlns y y1 y2 z zoomandpan
    role
    """.split()
)

# DOMPurify attrs.ts `xml` (xlink:href, xml:id, xlink:title, xml:space) by namespace URI; plus xml:lang.
NAMESPACED_ATTRIBUTES = frozenset(
    {(XLINK_NS, "href"), (XLINK_NS, "title"), (XML_NS, "id"), (XML_NS, "space"), (XML_NS, "lang")}
)

# DOMPurify regexp.ts DATA_ATTR and ARIA_ATTR.
DATA_ATTRIBUTE = re.compile(r"^data-[\-\w.\u00B7-\uFFFF]+$")
ARIA_ATTRIBUTE = re.compile(r"^aria-[\-\w]+$")

# DOMPurify regexp.ts ATTR_WHITESPACE and IS_SCRIPT_OR_DATA: a value that, without these characters,
# starts with a script or data: scheme is removed from any attribute (links are held to more: `#id` only).
ATTR_WHITESPACE = re.compile("[\u0000-\u0020\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000]")
IS_SCRIPT_OR_DATA = re.compile(r"^(?:\w+script|data):", re.IGNORECASE)

# Attributes an animation may not change: links, style, and the properties whose value may be a url().
# (Event handlers, on*, are refused by name; anything not in ATTRIBUTES is refused too.)
NOT_ANIMATED = frozenset(
    "href style fill stroke clip-path mask filter marker-start marker-mid marker-end color-profile".split()
)
ANIMATIONS = frozenset("animate animatecolor animatemotion animatetransform set".split())

# CSS functions whose string arguments are URLs (url("..."), image-set("...") and their kin).
URL_FUNCTIONS = frozenset("url src image image-set -webkit-image-set cross-fade -webkit-cross-fade".split())


def allowed_element(namespace: str | None, local: str) -> bool:
    """Whether an element may stay: an SVG element on the list, whatever case it is written in."""
    return namespace == SVG_NS and local.lower() in ELEMENTS


def script_or_data(value: str) -> bool:
    """Whether an attribute value is a `javascript:`, `vbscript:` or `data:` URL, however spaced (DOMPurify's rule)."""
    return bool(IS_SCRIPT_OR_DATA.match(ATTR_WHITESPACE.sub("", value)))


def allowed_attribute(namespace: str | None, local: str) -> bool:
    """Whether an attribute name may stay (its value is checked apart): never an event handler."""
    lowered = local.lower()
    if lowered.startswith("on"):
        return False
    if namespace:
        return (namespace, lowered) in NAMESPACED_ATTRIBUTES
    return lowered in ATTRIBUTES or bool(DATA_ATTRIBUTE.match(lowered) or ARIA_ATTRIBUTE.match(lowered))
