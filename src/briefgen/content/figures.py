"""Figures: every picture a brief shows, found, confined, checked and made ready for every format.

Runs when a workspace is loaded, so `check` finds a missing, hostile or broken picture at the
figure's file:line:col without laying anything out, and renderers receive a `Picture` they can
use as it is. The rules:

- a path is relative to the brief's folder; `assets/...` may also name the workspace's shared
  `assets/` folder. Absolute paths, URLs (`http:`, `file:`, `data:`) and anything that leads
  outside those two folders, symbolic links included, are errors. Nothing is ever fetched.
- PNG, JPEG and SVG, recognised by their content; at most 50 megapixels (a decompression bomb
  is refused before it is decoded); a truncated or unreadable file is an error.
- an SVG is cleaned by allow-list (`content/svgclean.py`): only SVG drawing elements and
  attributes stay, and no reference outside the picture (external images, style sheets, fonts,
  scripts, event handlers, entities); each removal is a warning at its line in the SVG, and the
  cleaned copy is what every format shows. Word also gets a 300 dpi PNG of it (rasterised by
  resvg, no browser).
  The PDF gets the cleaned copy with its right-to-left text (Arabic, Hebrew) put in visual order,
  which WeasyPrint cannot find itself (`content/svgtext.py`).
- a `.vl.yaml` or `.vl.json` file is a Vega-Lite chart, drawn by `content/charts.py`.

Checked pictures, cleaned SVGs and rasters are cached by content hash under
`<output_dir>/.briefgen-cache/figures/`, with their warnings, so an unchanged picture costs a hash.
"""

from __future__ import annotations

import atexit
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from briefgen.content.charts import draw_chart
from briefgen.content.confine import inside, is_absolute, resolved, url_scheme, within
from briefgen.content.drawing_inputs import font_dirs, package_identity
from briefgen.content.richtext import rewrite, walk
from briefgen.content.style import HouseStyle
from briefgen.content.svgclean import clean_tree
from briefgen.content.svgtext import left_to_right, print_copy
from briefgen.diagnostics import Diagnostics, Location, codes, did_you_mean
from briefgen.model import Brief, Figure, Picture
from briefgen.runtime.files import atomic_write, read_cache, write_cache
from briefgen.runtime.versions import code_identity

MAX_PIXELS = 50_000_000
MAX_BYTES = 100_000_000
RASTER_WIDTH = 2100  # pixels: 300 dpi across a 7-inch text block, wider than A4's or Letter's
MAX_RASTER_PIXELS = 12_000_000  # a tall picture is rasterised narrower rather than larger
MAX_ASPECT = 20  # a picture 20 times taller than wide (or wider than tall) fits no page
CHART_SUFFIXES = (".vl.yaml", ".vl.yml", ".vl.json")
ASSETS = "assets"
CACHE_VERSION = "5"


def _cache_version() -> str:
    """The cache's format and the code that wrote it: a changed briefgen never reuses a record."""
    return f"{CACHE_VERSION} {code_identity()}"


_SVG_NS = "http://www.w3.org/2000/svg"
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|pt|pc|mm|cm|in)?\s*$")
_UNIT_PX = {"px": 1.0, None: 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96.0}


class FigureProblem(Exception):
    """A picture that cannot be shown: the message says why and what to do."""


def resolve_figures(
    brief: Brief, root: Path, diags: Diagnostics, cache_dir: Path | None, style: Callable[[], HouseStyle]
) -> Brief:
    """The brief with a checked `Picture` on every figure; problems go to `diags` at the figure.

    `style` gives the house style (fonts and colours of charts and SVG text), asked for only
    when a picture is drawn, so briefs without figures never read the theme here.
    """
    if not any("![" in f.source for _id, f in brief.markdown_fields()):
        return brief
    resolver = _Resolver(brief, root, diags, _writable(cache_dir) or _scratch_dir(), style)

    def fix(field: Any) -> Any:
        if field is None or "![" not in field.source:
            return field
        return replace(field, blocks=rewrite(field.blocks, resolver.node))

    blocks = tuple(
        replace(
            block,
            body=fix(block.body),
            summary=fix(block.summary),
            mitigation=fix(block.mitigation),
            variants={n: replace(v, summary=fix(v.summary), body=fix(v.body)) for n, v in block.variants.items()},
        )
        for block in brief.blocks
    )
    return replace(brief, blocks=blocks, bottom_line=fix(brief.bottom_line))


def figure_blocks(brief: Brief) -> dict[Path, list[str]]:
    """Each file a figure is made from -> the blocks that show it ('bottom_line' for brief.yaml's)."""
    blocks: dict[Path, list[str]] = {}
    for block_id, paths in sorted(figure_inputs(brief).items()):
        for path in paths:
            blocks.setdefault(path, []).append(block_id or "bottom_line")
    return blocks


def figure_inputs(brief: Brief) -> dict[str, set[Path]]:
    """Block id ('' for brief.yaml) -> the workspace files its figures were made from."""
    found: dict[str, set[Path]] = {}
    for block_id, field in brief.markdown_fields():
        for node in walk(field.blocks):
            if isinstance(node, Figure) and node.picture is not None:
                found.setdefault(block_id, set()).update(node.picture.inputs)
    return found


class _Resolver:
    def __init__(self, brief: Brief, root: Path, diags: Diagnostics, cache_dir: Path, style: Callable[[], HouseStyle]):
        self.folder = brief.folder.resolve()
        self.root = root.resolve()
        self.assets = self.root / ASSETS
        self.assets_inside = inside(self.assets, self.root)  # a link from assets/ to elsewhere opens nothing
        self.diags = diags
        self.cache_dir = cache_dir
        self.style = style
        self.done: dict[Path, Picture | None] = {}
        self.reported: set[tuple[Path, Location | None]] = set()

    def node(self, node: Any) -> tuple[Any, ...] | None:
        if not isinstance(node, Figure):
            return None
        try:
            path = self.locate(node.src)
        except FigureProblem as problem:
            self.diags.error(codes.FIGURE_PATH, str(problem), node.location)
            return None
        if path not in self.done:
            self.done[path] = self.picture(path, node.location)
        elif self.done[path] is None and (path, node.location) not in self.reported:
            self.diags.error(
                codes.FIGURE_UNUSABLE, f"'{node.src}' cannot be shown (see the error above)", node.location
            )
        self.reported.add((path, node.location))
        picture = self.done[path]
        return (replace(node, picture=picture),) if picture is not None else None

    # ------------------------------------------------------------ where the file is

    def locate(self, src: str) -> Path:
        """The file `src` names, inside the brief's folder or assets/, or a FigureProblem saying why not."""
        shown = src if len(src) <= 80 else src[:77] + "..."
        if not src.strip():
            raise FigureProblem("the figure names no file; write its path between the brackets: ![caption](file.png)")
        if is_absolute(src):
            raise FigureProblem(
                f"'{shown}' is an absolute path; write the path from the brief's folder, for example figures/map.png"
            )
        scheme = url_scheme(src)
        if scheme:
            what = "a picture written into the text" if scheme == "data" else "a web address or URL"
            raise FigureProblem(
                f"'{shown}' is {what}; builds never fetch anything: save the picture in the brief's figures/ "
                "folder and write its path, for example figures/map.png"
            )
        relative = unquote(src)
        candidates = [self.folder / relative]
        if relative.replace("\\", "/").startswith(ASSETS + "/"):
            if not self.assets_inside:
                raise FigureProblem(
                    f"'{shown}': the workspace's assets/ folder is a link to a place outside the workspace, so "
                    "nothing is read from it; make assets/ a real folder inside the workspace"
                )
            candidates.append(self.root / relative)
        roots = (self.folder, self.assets) if self.assets_inside else (self.folder,)
        for candidate in candidates:
            lexical = Path(os.path.normpath(candidate))
            if not any(lexical.is_relative_to(r) for r in roots):
                raise FigureProblem(
                    f"'{shown}' leads outside the brief's folder; figures live in the brief's folder (for example "
                    "figures/) or in the workspace's assets/ folder"
                )
            if lexical.is_file() or lexical.is_symlink():
                if not any(within(lexical, r.resolve()) for r in roots):
                    raise FigureProblem(
                        f"'{shown}' is a link to a file outside the brief's folder and assets/; copy the picture "
                        "into the brief's figures/ folder instead"
                    )
                real = resolved(lexical) or lexical
                if not real.is_file():
                    break
                return real
        if Path(os.path.normpath(candidates[0])).is_dir():
            raise FigureProblem(f"'{shown}' is a folder; name the picture file inside it, for example {shown}/map.png")
        folder = Path(os.path.normpath(candidates[0])).parent
        nearby = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        hint = did_you_mean(Path(relative).name, nearby)
        if "\\" in relative:
            hint += " (write paths with forward slashes: figures/map.png)"
        raise FigureProblem(
            f"there is no file '{shown}' in the brief's folder{' or the workspace' if len(candidates) > 1 else ''}"
            f"{hint}; check the name, or save the picture there"
        )

    # ------------------------------------------------------------ what the file holds

    def picture(self, path: Path, where: Location | None) -> Picture | None:
        name = self.display(path)
        try:
            if path.name.lower().endswith(CHART_SUFFIXES):
                home = self.folder if path.is_relative_to(self.folder) else self.assets.resolve()
                drawn = draw_chart(path, home, self.diags, self.style(), self.cache_dir, where)
                if drawn is None:
                    return None
                svg, inputs = drawn
                return replace(self.svg_picture(svg.encode("utf-8"), path, inputs, where), chart=True)
            data = path.read_bytes() if path.stat().st_size <= MAX_BYTES else None
            if data is None:
                raise FigureProblem(f"'{name}' is larger than 100 MB; save a smaller copy of it")
            kind = sniff(data)
            if kind == "svg":
                return self.svg_picture(data, path, (path,), where)
            if kind in ("png", "jpeg"):
                return self.raster_picture(data, path, kind, where)
            raise FigureProblem(
                f"'{name}' is {kind}; briefs show PNG, JPEG and SVG pictures: save it in one of those formats"
            )
        except FigureProblem as problem:
            self.diags.error(codes.FIGURE_FILE, str(problem), where)
            return None
        except OSError as exc:
            self.diags.error(
                codes.FIGURE_FILE, f"'{name}' cannot be read ({exc.strerror or exc}); check the file", where
            )
            return None

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def raster_picture(self, data: bytes, path: Path, kind: str, where: Location | None) -> Picture:
        digest = hashlib.sha256(data).hexdigest()
        record = self.cached(digest)
        shown = self.cache_dir / f"{digest}.jpg"
        if record is not None:
            raster_size(data, self.display(path))  # the size limit holds whatever a cache record says
        if record is None or (record.get("converted") and not shown.is_file()):
            width, height, mode = check_raster(data, self.display(path))
            record = {"width": width, "height": height, "mode": mode}
            if kind == "jpeg" and (mode not in ("RGB", "L") or data[2:4] not in (b"\xff\xe0", b"\xff\xe1")):
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                atomic_write(shown, rgb_jpeg(data))  # Word takes only JFIF or Exif JPEGs, and shows CMYK poorly
                record["converted"] = True
            self.store(digest, record)
        if record.get("converted"):
            if record.get("mode") not in ("RGB", "L"):
                self.diags.warning(
                    codes.FIGURE_CONVERTED,
                    f"'{self.display(path)}' is a {record.get('mode')} JPEG; it is shown converted to RGB, whose "
                    "colours may differ a little: export it as RGB to control them",
                    where,
                )
            path_shown = shown
        else:
            path_shown = path
        return Picture(path_shown, kind, float(record["width"]), float(record["height"]), digest, None, (path,))

    def svg_picture(self, data: bytes, path: Path, inputs: tuple[Path, ...], where: Location | None) -> Picture:
        """An SVG (a chart's too) cleaned on every load, which is cheap; its PNG for Word cached by content."""
        cleaned, removed, (width, height) = clean_svg(data, self.display(path))
        cleaned = left_to_right(cleaned)  # right-to-left labels anchored as readers without `direction` see them
        for line, message in removed:
            self.diags.warning(codes.FIGURE_SVG_EXTERNAL, message, Location(path, line, 1) if line else where)
        fonts = font_dirs(self.style())
        digest = hashlib.sha256(cleaned).hexdigest()
        shown = self.cache_dir / f"{digest}.svg"
        fallback = self.cache_dir / f"raster-{_raster_key(cleaned, fonts)}.png"
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        if not shown.is_file() or shown.read_bytes() != cleaned:
            atomic_write(shown, cleaned)
        if not fallback.is_file():
            atomic_write(fallback, rasterise(cleaned, fonts, width, height, self.display(path)))
        # Right-to-left text ordered for the PDF engine, which cannot order it; the others order it themselves.
        ordered = print_copy(cleaned)
        printed = None
        if ordered is not None:
            printed = self.cache_dir / f"print-{hashlib.sha256(ordered).hexdigest()}.svg"
            if not printed.is_file() or printed.read_bytes() != ordered:
                atomic_write(printed, ordered)
            digest = hashlib.sha256(cleaned + ordered).hexdigest()  # what is shown: both copies
        return Picture(shown, "svg", width, height, digest, fallback, inputs, print_path=printed)

    def cached(self, digest: str) -> dict[str, Any] | None:
        record = read_cache(self.cache_dir / f"{digest}.json")
        return record if isinstance(record, dict) and record.get("version") == _cache_version() else None

    def store(self, digest: str, record: dict[str, Any]) -> None:
        write_cache(self.cache_dir / f"{digest}.json", {**record, "version": _cache_version()})


def _writable(folder: Path | None) -> Path | None:
    """The cache folder when pictures can be kept there; a read-only output folder is no picture's fault."""
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if os.access(folder, os.W_OK) else None


_scratch: list[Path] = []


def _scratch_dir() -> Path:
    """A private folder for cleaned pictures when the workspace has no cache folder of its own."""
    if not _scratch:
        _scratch.append(Path(tempfile.mkdtemp(prefix="briefgen-figures-")))
        atexit.register(shutil.rmtree, _scratch[0], True)
    return _scratch[0]


# ---------------------------------------------------------------- formats


def sniff(data: bytes) -> str:
    """'png', 'jpeg' or 'svg' by content (not by name), or a description of what else it is."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:65536].lower():
        return "svg"
    for magic, name in (
        (b"GIF8", "a GIF image"),
        (b"RIFF", "a WebP or other RIFF file"),
        (b"BM", "a BMP image"),
        (b"%PDF", "a PDF file"),
        (b"II*\x00", "a TIFF image"),
        (b"MM\x00*", "a TIFF image"),
    ):
        if data.startswith(magic):
            return name
    return "not a picture briefgen recognises" if data else "an empty file"


def raster_size(data: bytes, name: str) -> tuple[int, int]:
    """A PNG's or JPEG's size from its header alone, refused over MAX_PIXELS (before any pixel is decoded)."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise FigureProblem(f"'{name}' cannot be read as a picture ({exc}); save it again") from None
    if width * height > MAX_PIXELS:
        raise FigureProblem(
            f"'{name}' is {width} x {height} pixels ({width * height / 1e6:.0f} megapixels); the limit is 50 "
            "megapixels, far more than a page shows at 300 dpi: save a smaller copy"
        )
    return width, height


def check_raster(data: bytes, name: str) -> tuple[int, int, str]:
    """The pixel size and colour mode of a PNG or JPEG that decodes completely and is not a decompression bomb."""
    from PIL import Image, ImageFile

    lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint sets it on import; a check must not be lenient
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    raster_size(data, name)
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            mode = image.mode
            image.load()  # decodes every pixel: a truncated or damaged file fails here
    except FigureProblem:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        reason = str(exc).rstrip(".") or type(exc).__name__
        raise FigureProblem(
            f"'{name}' cannot be read as a picture ({reason}); save it again from the program that made it"
        ) from None
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    if not width or not height:
        raise FigureProblem(f"'{name}' has no pixels; save it again from the program that made it")
    return width, height, mode


def rgb_jpeg(data: bytes) -> bytes:
    """A JPEG as an RGB JFIF file: what every reader of PDF, Word and HTML shows the same way."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=95)
        return out.getvalue()


def _svg_parser():
    from lxml import etree

    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def clean_svg(data: bytes, name: str) -> tuple[bytes, list[tuple[int, str]], tuple[float, float]]:
    """The SVG with only what the allow-lists keep, what was removed (line, message), and its size."""
    from lxml import etree

    try:
        tree = etree.parse(io.BytesIO(data), _svg_parser())
    except etree.XMLSyntaxError as exc:
        raise FigureProblem(f"'{name}' is not well-formed SVG ({exc.msg}); fix or re-export it") from None
    root = tree.getroot()
    if root.tag != f"{{{_SVG_NS}}}svg":
        raise FigureProblem(f"'{name}' is XML but not an SVG picture; export it from the drawing program as SVG")
    if tree.docinfo.internalDTD is not None or b"<!ENTITY" in data:
        raise FigureProblem(
            f"'{name}' declares entities in a <!DOCTYPE>, which can read files or grow without end; "
            "export it again without the DOCTYPE"
        )
    removed = clean_tree(root, name, _check_embedded)
    etree.cleanup_namespaces(root)  # the prefixes of what was removed
    size = _svg_size(root, name)
    # The root element alone: what stood before it (DOCTYPE, processing instructions) stays behind.
    return etree.tostring(root, xml_declaration=True, encoding="utf-8"), removed, size


def _check_embedded(value: str, name: str) -> None:
    """A data: picture inside an SVG is held to the rules of a picture file: PNG or JPEG, whole, not a bomb."""
    import base64
    import binascii

    try:
        data = base64.b64decode(value.split(",", 1)[1], validate=False)
    except (binascii.Error, ValueError):
        raise FigureProblem(f"{name} is not valid base64; export the SVG again") from None
    if sniff(data) not in ("png", "jpeg"):
        raise FigureProblem(f"{name} is not a PNG or JPEG; embed only PNG or JPEG pictures")
    check_raster(data, name)


def _svg_size(root: Any, name: str) -> tuple[float, float]:
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    width, height = _length(root.get("width")), _length(root.get("height"))
    if len(view_box) == 4:
        try:
            box_width, box_height = float(view_box[2]), float(view_box[3])
        except ValueError:
            box_width = box_height = 0.0
        if box_width > 0 and box_height > 0:
            if width and height:
                return width, height
            return (width or box_width), (width or box_width) * box_height / box_width
    if width and height:
        return width, height
    raise FigureProblem(
        f"'{name}' has neither a viewBox nor a width and height, so its proportions are unknown; "
        'add viewBox="0 0 W H" to its <svg> element'
    )


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) * _UNIT_PX[match.group(2)] if match else None


def rasterise(svg: bytes, fonts: list[str], width: float, height: float, name: str) -> bytes:
    """A PNG of a cleaned SVG, at most RASTER_WIDTH pixels wide: what Word shows where it cannot show SVG."""
    import resvg_py

    if width <= 0 or height <= 0 or not 1 / MAX_ASPECT <= height / width <= MAX_ASPECT:
        raise FigureProblem(
            f"'{name}' is {width:g} x {height:g}: proportions no page can hold; crop it or set its viewBox"
        )
    pixels_wide = min(RASTER_WIDTH, int((MAX_RASTER_PIXELS * width / height) ** 0.5))
    try:
        return bytes(
            resvg_py.svg_to_bytes(
                svg_string=svg.decode("utf-8"), width=pixels_wide, background="white", font_dirs=fonts
            )
        )
    except Exception as exc:  # resvg's own limits (nodes, sizes) come back as plain exceptions
        raise FigureProblem(f"'{name}' cannot be drawn ({exc}); simplify it or export it again") from None


def _raster_key(svg: bytes, fonts: list[str]) -> str:
    """What a rasterised SVG depends on: the SVG, the fonts it may use, resvg's version and the size rule."""
    identity = [package_identity("resvg_py"), RASTER_WIDTH, MAX_RASTER_PIXELS]
    for folder in fonts:
        identity += sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in Path(folder).iterdir())
    return hashlib.sha256(svg + json.dumps(identity).encode()).hexdigest()
