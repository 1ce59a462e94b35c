"""Calls run in a fresh Python process, for mutation testing (see `conftest.py`).

vl-convert runs threads of its own. mutmut forks one process per mutant from the process that
ran the tests once; a fork keeps vl-convert's state but not its threads, so a chart drawn in
the fork would wait for them forever. Under mutmut each chart is drawn in a fresh process.
"""

from __future__ import annotations

import multiprocessing


def _vegalite_to_svg(args: tuple, kwargs: dict) -> str:
    import vl_convert  # noqa: PLC0415

    return vl_convert.vegalite_to_svg(*args, **kwargs)


def vegalite_to_svg(*args, **kwargs) -> str:
    """`vl_convert.vegalite_to_svg` in a fresh process (its warnings go to this process's stderr, as they would)."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_vegalite_to_svg, (args, kwargs))
