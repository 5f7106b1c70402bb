"""The map's layers, declared once: what each is called, what it reads, how it looks, what the
legend says of it, whether it is shown at first, and whether a snapshot draws it.

Every reader of layers reads :data:`LAYERS`:

* the web map (:func:`web.maps.build_map`): one ``folium.FeatureGroup`` per layer, in this
  order, labelled by :func:`control_label`; the page's script (``web/static/conflictmap.js``)
  gets :func:`page_data` in the map's JSON block and draws, fits, counts and lists in its legend
  every layer from it (its ``DRAW`` table holds one drawing function per layer name);
* the snapshot (:mod:`web.snapshot`): the layers with ``snapshot=True``, drawn by the functions
  of :data:`web.snapshot_layers.DRAWINGS` (by name; the events by :mod:`web.snapshot` itself),
  each adding its ``snapshot_legend`` entry;
* the parameters that choose layers: ``?layers=`` of ``/`` and ``/map`` (:func:`check`),
  ``?layers=`` of ``/snapshot.png`` and ``conflictmap snapshot --layers``
  (:func:`snapshot_names`, :mod:`web.params`).

A new layer is one :class:`Layer` below, plus its drawing function in the page's script (and in
:mod:`web.snapshot_layers` if snapshots draw it); ``tests/test_layers.py`` checks that every
layer reaches the layer control, the legend, the snapshot and the parameters.

Example
-------
>>> names()
('events', 'statements', 'places', 'heatmap', 'choropleth')
>>> check(["places", "nope"])
Traceback (most recent call last):
...
geo.errors.InputError: unknown layer(s) nope; use events, statements, places, heatmap, choropleth
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable
from dataclasses import dataclass

from geo import event_types as etypes
from geo.errors import InputError

# How the web legend shows a layer (web/static/conflictmap.js, fillLegend): ``types`` a
# swatch per event type, ``swatch`` a square of its colour with its icon, ``circle`` a ring of
# its colour, ``scale`` its colour classes with their bounds; None: no entry.
LEGEND_KINDS = ("types", "swatch", "circle", "scale", None)


@dataclass(frozen=True)
class Layer:
    """One overlay of the map.

    Attributes
    ----------
    name:
        Its key: in ``?layers=``, in the page's feature groups, in the snapshot's layers.
    label:
        Its name in the layer control (plain text), after its icon and before its count.
    icon:
        Font Awesome 6 icon name of its label (the events: each type's own, see
        ``geo/data/event_types.tsv``).
    source:
        What it reads: the :class:`geo.store.Store` method (``events``, ``statements``,
        ``places``, ``country_counts``).
    colors:
        Its colour, or its classes' colours from the lightest (the events: each type's own).
    legend:
        The web legend's words for it (None: no entry).
    legend_kind:
        How the web legend shows it, one of :data:`LEGEND_KINDS`.
    shown:
        Ticked when the map opens (without ``?layers=``).
    counted:
        Its label says how many it draws ("Statements (2 drawn of 3)").
    fits:
        The map opens fitted to it when no layer before it has anything to show.
    snapshot:
        A snapshot can draw it (with ``?layers=`` / ``--layers``).
    snapshot_shown:
        A snapshot draws it when no layer is asked for.
    snapshot_legend:
        The snapshot legend's words for it (a ``{}`` takes a colour class's bounds).
    """

    name: str
    label: str
    icon: str
    source: str
    colors: tuple[str, ...] = ()
    legend: str | None = None
    legend_kind: str | None = None
    shown: bool = False
    counted: bool = False
    fits: bool = False
    snapshot: bool = False
    snapshot_shown: bool = False
    snapshot_legend: str | None = None

    @property
    def color(self) -> str | None:
        """Its colour (the first of :attr:`colors`)."""
        return self.colors[0] if self.colors else None


LAYERS: tuple[Layer, ...] = (
    Layer(
        "events",
        label="Events",
        icon="",  # each type's own
        source="events",
        legend="located at province or country level only",  # the imprecise markers' grey
        legend_kind="types",
        shown=True,
        counted=True,
        fits=True,
        snapshot=True,
        snapshot_shown=True,
    ),
    Layer(
        "statements",
        label="Statements",
        icon="comment",
        source="statements",
        colors=("#e377c2",),
        legend="statement, dashed lines to the places it names",
        legend_kind="swatch",
        shown=True,
        counted=True,
        fits=True,
        snapshot=True,
        snapshot_legend="statement (lines: places named)",
    ),
    Layer(
        "places",
        label="Places mentioned",
        icon="circle",
        source="places",
        colors=("#3b5b92",),
        legend="place mentioned (size: mentions)",
        legend_kind="circle",
        shown=True,
        counted=True,
        fits=True,
        snapshot=True,
        snapshot_legend="place mentioned",
    ),
    Layer(
        "heatmap",
        label="Heatmap of events",
        icon="fire-flame-curved",
        source="events",
    ),
    Layer(
        "choropleth",
        label="Mentions by country",
        icon="earth-africa",
        source="country_counts",
        colors=("#fff5eb", "#fdd0a2", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"),
        legend="Mentions by country",
        legend_kind="scale",
        snapshot=True,
        snapshot_legend="{} mentions",
    ),
)

BY_NAME: dict[str, Layer] = {layer.name: layer for layer in LAYERS}


def get(name: str) -> Layer:
    """The layer called ``name`` (:class:`KeyError` if none)."""
    return BY_NAME[name]


def names() -> tuple[str, ...]:
    """Every layer's name, in the layer control's order."""
    return tuple(BY_NAME)


def shown_at_first() -> tuple[str, ...]:
    """The layers ticked when the map opens."""
    return tuple(layer.name for layer in LAYERS if layer.shown)


def snapshot_names() -> tuple[str, ...]:
    """The layers a snapshot can draw."""
    return tuple(layer.name for layer in LAYERS if layer.snapshot)


def snapshot_shown() -> tuple[str, ...]:
    """The layers a snapshot draws when none is asked for."""
    return tuple(layer.name for layer in LAYERS if layer.snapshot_shown)


def check(given: Iterable[str], *, snapshot: bool = False) -> set[str]:
    """``given`` as a set of layer names, or :class:`InputError` naming the unknown ones and the
    known ones (those a snapshot draws with ``snapshot=True``)."""
    known = snapshot_names() if snapshot else names()
    shown = set(given)
    unknown = sorted(shown - set(known))
    if unknown:
        what = "snapshot layer(s) " if snapshot else "layer(s) "
        bad = ", ".join(x[:40] for x in unknown[:10])
        raise InputError(f"unknown {what}{bad}; use {', '.join(known)}")
    return shown


def control_label(layer: Layer, count: str | None = None) -> str:
    """The layer's label in the layer control (HTML): its icon, its name, its count.

    >>> control_label(get("statements"), "2")
    '<i class="fa-solid fa-comment"></i> Statements (2)'
    """
    text = html.escape(layer.label) + (f" ({html.escape(count)})" if count is not None else "")
    return f'<i class="fa-solid fa-{html.escape(layer.icon)}"></i> {text}'


def type_label(type_name: str, icon: str, color: str, count: int) -> str:
    """The layer control's label of one event type (HTML; ``type_name`` already escaped)."""
    return (
        f'<i class="fa-solid fa-{html.escape(icon)}" style="color:{html.escape(color)}"></i> '
        f"{html.escape(get('events').label)}: {type_name} ({count})"
    )


def page_data() -> list[dict]:
    """The layers as the page's script reads them (in the map's JSON block): every text
    escaped here, as the rest of the block."""
    return [
        {
            "name": layer.name,
            "label": layer.label,  # raw: compared with the layer control's text
            "icon": html.escape(layer.icon),
            "colors": list(layer.colors),
            "legend": html.escape(layer.legend) if layer.legend else None,
            "legend_kind": layer.legend_kind,
            "counted": layer.counted,
            "fits": layer.fits,
            "snapshot": layer.snapshot,
        }
        for layer in LAYERS
    ]


def breaks(values: list[int], k: int | None = None) -> list[float]:
    """Upper bounds of ``k`` classes on a log scale (mentions are heavy-tailed); ``k``: the
    choropleth's colours.

    >>> breaks([1, 3, 40])
    [2, 4, 7, 12, 22, 40]
    """
    k = len(get("choropleth").colors) if k is None else k
    if not values:
        return []
    top = max(values)
    if top <= 1:
        return [1]
    return sorted({math.ceil(math.exp(math.log(top) * (i + 1) / k)) for i in range(k)})


def class_color(n: int, bounds: list[float], colors: tuple[str, ...]) -> str:
    """The colour of ``n`` among the classes of upper ``bounds`` (the lightest colour is kept
    for the sea of no count: a class ``i`` takes colour ``i + 1``)."""
    for i, b in enumerate(bounds):
        if n <= b:
            return colors[min(i + 1, len(colors) - 1)]
    return colors[-1]


def event_style(type_: str | None) -> tuple[str, str]:
    """Colour and Font Awesome icon name of an event type (see geo/data/event_types.tsv)."""
    return etypes.style(type_)


def type_order(type_: str | None) -> tuple[int, str]:
    """Sort key of event types as declared (violence first), undeclared types last by name.

    >>> sorted(["Riots", "Zz", "Battles"], key=type_order)
    ['Battles', 'Riots', 'Zz']
    """
    t = etypes.get(type_)
    return (t.rank if t else len(etypes.event_types()), type_ or "")
