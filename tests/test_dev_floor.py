"""Accuracy floors on the development sets: a change that loses more than 0.02 of F1 or Acc@161
on real news fails here, not in a user's map.

The geoparser runs with NER, as users run it, over the full gazetteer (the session's ``gaz``,
built by the real builder from the package data), and is scored by the shared scorer through
the functions of ``benchmarks/eval_geoparse.py``. GeoVirus ships in ``../shared/eval/dev``; the
French dev set is scored only where its texts were rebuilt (``../devdata/fr`` or
``$CONFLICTMAP_FR_DEV``). Raise a floor when a change lifts its figure for good.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from geo.geoparse import Geoparser

ROOT = Path(__file__).resolve().parent.parent

# Figures reached, minus 0.02 (seeds: the issue's 0.99). acc161_matched is the scorer's Acc@161
# over the recognised mentions. Measured: GeoVirus F1 0.917, Acc@161 0.906; French dev
# (47 documents) F1 0.963, Acc@161 0.951, role 0.985; seeds 0.997, 1.000, 1.000.
FLOORS = {
    "geovirus": {"f1": 0.897, "acc161_matched": 0.886},
    "fr": {"f1": 0.943, "acc161_matched": 0.931, "role_accuracy": 0.965},
    "seeds": {"f1": 0.99, "acc161_matched": 0.99, "role_accuracy": 0.99},
}


def _eval_module():
    spec = importlib.util.spec_from_file_location(
        "eval_geoparse", ROOT / "benchmarks" / "eval_geoparse.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks its module up there
    spec.loader.exec_module(module)
    return module


evaluation = _eval_module()
EVALS = evaluation.eval_dir()


@pytest.fixture(scope="session")
def score():
    if not (EVALS / "score_geoparse.py").is_file():
        pytest.skip(
            f"the shared evaluation folder ({EVALS}) is absent: place it beside the repository"
            " or set CONFLICTMAP_EVAL_DIR"
        )
    return evaluation.load_scorer(EVALS)


@pytest.fixture(scope="session")
def ner_geoparser(gaz):
    return Geoparser(gaz, use_ner=True)


@pytest.mark.parametrize("name", list(FLOORS))
def test_dev_set_above_floor(name, score, ner_geoparser):
    loaded = evaluation.load_set(name, EVALS, evaluation.fr_dev_dir())
    if isinstance(loaded, str):
        pytest.skip(loaded)
    figures = score(loaded.gold, evaluation.project_preds(ner_geoparser, loaded.docs))
    below = {
        metric: f"{figures[metric]} < {floor}"
        for metric, floor in FLOORS[name].items()
        if figures[metric] is None or figures[metric] < floor
    }
    assert not below, f"{name} ({len(loaded.docs)} documents) fell below its floor: {below}"
