"""What a drawn picture depends on besides its own file: the house style's fonts and the drawing package.

Figures rasterise SVGs (resvg) and charts are drawn by vl-convert; both draw text with the
house style's fonts, and both key their caches by the version of the package that drew them.
These two facts live here, below both, so that `charts` needs nothing from `figures` and the
imports point one way: figures -> charts -> drawing_inputs.
"""

from __future__ import annotations

import functools
import importlib.util
import json
from pathlib import Path

from briefgen.content.style import HouseStyle


def font_dirs(style: HouseStyle) -> list[str]:
    """The house style's font folders (the workspace's, then briefgen's), for text in SVGs and charts."""
    return [str(d / "fonts") for d in style.style_dirs if (d / "fonts").is_dir()]


@functools.cache
def package_identity(name: str) -> str:
    """Which version of an installed package is here (its files' names, sizes and dates), read without importing it.

    Part of cache keys: a new converter or rasteriser draws anew. A package that is not installed
    (vl-convert without the charts extra) is "missing".
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a module in sys.modules without a spec, or a broken parent package
        return "missing"
    if spec is None or spec.origin is None:
        return "missing"
    folder = Path(spec.origin).parent
    return json.dumps(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.iterdir() if p.is_file()))
