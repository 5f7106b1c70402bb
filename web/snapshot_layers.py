"""The layers a snapshot draws under its event symbols, when asked: the choropleth of mentions
by country, the places mentioned, the statements (where said, dashed lines to the places
named). Each returns the legend entries it adds."""

from __future__ import annotations

import math
from typing import Any

from web import maps


def draw_context(ax, countries, counts: dict, places: list[dict], statements: list[dict]):
    """Draw the choropleth (``counts`` by country code), ``places`` and ``statements`` on
    ``ax``; returns their legend handles."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Any] = []
    if counts:
        breaks = maps._breaks(list(counts.values()))
        colors = maps.CHOROPLETH_COLORS

        def color_of(n: int) -> str:
            for i, b in enumerate(breaks):
                if n <= b:
                    return colors[min(i + 1, len(colors) - 1)]
            return colors[-1]

        sub = countries[countries["iso"].isin(list(counts))] if len(countries) else countries
        if len(sub):
            sub.plot(
                ax=ax,
                color=[color_of(counts[c]) for c in sub["iso"]],
                edgecolor="#7a4a1a",
                linewidth=0.5,
                zorder=2,
            )
        lo = 1
        for i, b in enumerate(breaks):
            label = f"{lo}–{b}" if b > lo else f"{lo}"
            handles.append(
                Patch(facecolor=colors[min(i + 1, len(colors) - 1)], label=f"{label} mentions")
            )
            lo = b + 1
    if places:
        ax.scatter(
            [p["lon"] for p in places],
            [p["lat"] for p in places],
            s=[12 + 10 * math.sqrt(p.get("mentions") or 0) for p in places],
            facecolor=maps.PLACE_COLOR + "55",
            edgecolor=maps.PLACE_COLOR,
            linewidth=0.8,
            zorder=3,
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="",
                markerfacecolor=maps.PLACE_COLOR + "55",
                markeredgecolor=maps.PLACE_COLOR,
                label="place mentioned",
            )  # fmt: skip
        )
    for st in statements:
        for p in st.get("places") or []:
            if p.get("lat") is not None:
                ax.plot(
                    [st["where_lon"], p["lon"]],
                    [st["where_lat"], p["lat"]],
                    color=maps.STATEMENT_STYLE[0],
                    linewidth=1,
                    linestyle="--",
                    zorder=4,
                )
    if statements:
        ax.scatter(
            [s["where_lon"] for s in statements],
            [s["where_lat"] for s in statements],
            marker="s",
            s=40,
            color=maps.STATEMENT_STYLE[0],
            edgecolor="white",
            zorder=5,
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="s",
                linestyle="--",
                color=maps.STATEMENT_STYLE[0],
                label="statement (lines: places named)",
            )  # fmt: skip
        )
    return handles
