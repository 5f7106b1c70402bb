"""What the evaluation scripts share: where the development sets are, the shared scorers, and
the documents of a set as the command line reads them."""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from geo.documents import read_inputs  # noqa: E402
from geo.errors import DocumentError  # noqa: E402
from geo.model import Document  # noqa: E402


def eval_dir(override: str | None = None) -> Path:
    """The shared evaluation folder: ``override``, ``$CONFLICTMAP_EVAL_DIR`` or ``../shared/eval``."""
    return Path(override or os.environ.get("CONFLICTMAP_EVAL_DIR") or ROOT.parent / "shared/eval")


def fr_dev_dir(override: str | None = None) -> Path:
    """The rebuilt French dev set: ``override``, ``$CONFLICTMAP_FR_DEV`` or ``../devdata/fr``."""
    return Path(override or os.environ.get("CONFLICTMAP_FR_DEV") or ROOT.parent / "devdata/fr")


def shared_scorer(folder: Path, name: str):
    """The ``score(gold, preds)`` function of the shared scorer ``folder/name.py``, imported
    (never copied)."""
    spec = importlib.util.spec_from_file_location(name, folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


def read_docs(path: Path, lang: str) -> list[Document]:
    """The documents of a file or folder as ``conflictmap`` reads them, ``lang`` when they
    give none; unreadable ones are reported on standard error."""
    docs = []
    for d in read_inputs([str(path)]):
        if isinstance(d, DocumentError):
            print(f"error: {d.message}", file=sys.stderr)
        else:
            docs.append(replace(d, lang=d.lang or lang))
    return docs
