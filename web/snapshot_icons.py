"""The icons of the event types on a snapshot, as on the web map: the Font Awesome glyph that
``geo/data/event_types.tsv`` names for each type, read from the Font Awesome package the app
serves (its style sheet gives the glyph's code point, its font the outline) and turned into a
matplotlib marker, so that PNG, SVG and PDF draw it as a path (no font needed to read them).

Example
-------
>>> icon_marker("bomb") is not None            # doctest: +SKIP
True
"""

from __future__ import annotations

import re
from functools import lru_cache

ICON_MIN_PT = 14.0  # symbols at least this wide (points) show their type's icon
ICON_SHARE = 0.58  # of the symbol's width


@lru_cache(maxsize=1)
def _font_awesome() -> tuple[str, str] | None:
    """The served Font Awesome's style sheet text and solid font path, or None."""
    from web import assets

    d = assets.LIBRARIES["fontawesome"].directory()
    if d is None:
        return None
    css, ttf = d / "css" / "all.min.css", d / "webfonts" / "fa-solid-900.ttf"
    if not (css.is_file() and ttf.is_file()):
        return None
    return css.read_text(encoding="utf-8"), str(ttf)


@lru_cache(maxsize=64)
def icon_marker(name: str):
    """The Font Awesome icon ``name`` as a :class:`matplotlib.path.Path` centred on (0, 0),
    or None when Font Awesome is not installed or has no such icon."""
    import numpy as np
    from matplotlib.font_manager import FontProperties
    from matplotlib.path import Path
    from matplotlib.textpath import TextPath

    fa = _font_awesome()
    if fa is None or not re.fullmatch(r"[a-z0-9-]+", name or ""):
        return None
    css, ttf = fa
    # FA 6 declares ".fa-bomb{--fa:"\f1e2"}" (or ".fa-bomb:before{content:"\f1e2"}")
    m = re.search(
        r"\.fa-" + re.escape(name) + r'(?:[:,][^{]*)?\{[^}]*?(?:--fa|content):\s*"\\([0-9a-f]+)"',
        css,
    )
    if m is None:
        return None
    path = TextPath((0, 0), chr(int(m.group(1), 16)), size=1, prop=FontProperties(fname=ttf))
    verts = path.vertices
    if not len(verts):
        return None
    lo, hi = verts.min(axis=0), verts.max(axis=0)
    return Path(np.asarray(verts - (lo + hi) / 2), path.codes)


def icons_shown(px, r_px, min_radius_px: float):
    """Indices of the symbols (drawn in this order) wide enough for an icon whose centre no
    later symbol covers (a smaller symbol drawn over a big one would get its icon on top)."""
    import numpy as np

    big = np.flatnonzero(r_px >= min_radius_px)
    out = []
    for i in big.tolist():
        later = px[i + 1 :]
        if len(later):
            d = np.hypot(later[:, 0] - px[i, 0], later[:, 1] - px[i, 1])
            if np.any(d < r_px[i + 1 :] + r_px[i] * ICON_SHARE / 2):
                continue
        out.append(i)
    return out
