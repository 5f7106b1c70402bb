"""Read documents for the command line: JSON Lines (a file or standard input), .txt files, or a
folder of them. Each bad document becomes a :class:`~geo.errors.DocumentError` naming it and the
reason, and the others go on.

A folder may hold a ``metadata.json`` mapping file names to ``lang``/``published``/``source``
(as ``seeds/`` does); a ``NAME.json`` beside ``NAME.txt`` does the same for one file.

Every id is checked by :func:`check_document_id` (a JSON line's ``id``, a file's name): an id
names the document's page (``/documents/<id>``) and its rows in every export, so it has no path
separator, no ``..``, no control or invisible character and at most :data:`MAX_ID_CHARS`
characters.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from geo.errors import DocumentError, InputError
from geo.lang import SUPPORTED
from geo.model import Document
from geo.text import MAX_CHARS, check_document_text

MAX_LINE_BYTES = 4 * MAX_CHARS + 1024
MAX_ID_CHARS = 200
_META_KEYS = ("lang", "published", "source", "url", "title")
# control characters (NUL, line breaks, ESC), lone surrogates, invisible formatting (bidi
# overrides, zero-width spaces) and the Unicode line and paragraph separators
_HIDDEN = {"Cc": "control", "Cs": "control", "Cf": "invisible", "Zl": "control", "Zp": "control"}


def shown_id(value: object, limit: int = 60) -> str:
    """An id as it may be printed in a message: quoted, its hidden characters escaped, cut."""
    text = str(value)
    cut = text[:limit]
    return repr(cut) + ("…" if len(text) > limit else "")


def id_problem(doc_id: str) -> str | None:
    """Why ``doc_id`` cannot name a document, or None when it can."""
    if not doc_id.strip():
        return "the id is empty"
    if len(doc_id) > MAX_ID_CHARS:
        return f"the id is longer than {MAX_ID_CHARS} characters"
    hidden = {
        _HIDDEN[unicodedata.category(c)] for c in doc_id if unicodedata.category(c) in _HIDDEN
    }
    if "control" in hidden:
        return "the id contains control characters (NUL, a line break...)"
    if "invisible" in hidden:
        return "the id contains invisible formatting characters"
    if "/" in doc_id or "\\" in doc_id:
        return "the id contains a path separator (/ or \\)"
    if ".." in doc_id or doc_id.strip() == ".":
        return "the id contains '..' (or is '.')"
    return None


def check_document_id(doc_id: str, where: str | None = None) -> str:
    """``doc_id`` when it can name a document; else :class:`DocumentError` with the reason,
    reported under ``where`` (a file and line) or the id shown escaped."""
    problem = id_problem(doc_id)
    if problem is None:
        return doc_id
    raise DocumentError(where or shown_id(doc_id), f"{problem}: {shown_id(doc_id)}")


def _decode(raw: bytes, doc_id: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(doc_id, f"not valid UTF-8 (byte {exc.start})") from None


def document_from_json(obj: object, where: str) -> Document:
    """A :class:`Document` from one parsed JSON Lines record (``where`` names it in errors)."""
    if not isinstance(obj, dict):
        raise DocumentError(where, "a line must be a JSON object")
    doc_id = obj.get("id")
    if doc_id is None or (isinstance(doc_id, str) and not doc_id.strip()):
        raise DocumentError(where, "missing 'id'")
    if isinstance(doc_id, (dict, list, bool)):
        raise DocumentError(where, "'id' must be a string or a number")
    doc_id = check_document_id(str(doc_id), where)
    text = obj.get("text")
    if not isinstance(text, str):
        raise DocumentError(doc_id, "missing 'text' (a string)")
    check_document_text(text, doc_id)
    lang = obj.get("lang")
    if lang is not None and lang not in SUPPORTED:
        lang = None  # unknown languages are detected
    spans = obj.get("spans")
    if spans is not None:
        try:
            spans = tuple((int(a), int(b)) for a, b in spans)
        except (TypeError, ValueError):
            raise DocumentError(doc_id, "'spans' must be a list of [start, end] pairs") from None
        for a, b in spans:
            if not 0 <= a < b <= len(text):
                raise DocumentError(doc_id, f"span [{a}, {b}] is outside the text")
    meta = {k: (str(obj[k]) if obj.get(k) is not None else None) for k in _META_KEYS[1:]}
    return Document(id=doc_id, text=text, lang=lang, spans=spans, **meta)


def read_jsonl(stream: BinaryIO, name: str) -> Iterator[Document | DocumentError]:
    """Documents of a JSON Lines stream, one per non-blank line."""
    for lineno, raw in enumerate(stream, 1):
        where = f"{name}:{lineno}"
        if len(raw) > MAX_LINE_BYTES:
            yield DocumentError(where, f"line longer than {MAX_LINE_BYTES:,} bytes")
            continue
        if not raw.strip():
            continue
        try:
            line = _decode(raw, where)
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DocumentError(where, f"not JSON ({exc.msg} at column {exc.colno})") from None
            yield document_from_json(obj, where)
        except DocumentError as err:
            yield err


def _folder_metadata(folder: Path) -> dict[str, dict]:
    meta_file = folder / "metadata.json"
    if not meta_file.is_file():
        return {}
    try:
        data = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{meta_file}: unreadable metadata ({exc})") from None
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def read_text_file(path: Path, meta: dict | None = None) -> Document:
    """One .txt file as a document; its id is the file name without extension."""
    doc_id = check_document_id(path.stem, shown_id(path.name))
    try:
        size = path.stat().st_size
        if size > 4 * MAX_CHARS:
            raise DocumentError(doc_id, f"file of {size:,} bytes is too large")
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(doc_id, f"cannot read {path.name}: {exc.strerror}") from None
    text = _decode(raw, doc_id)
    check_document_text(text, doc_id)
    sidecar = path.with_suffix(".json")
    info = dict(meta or {})
    if sidecar.is_file():
        try:
            info.update(json.loads(sidecar.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise DocumentError(doc_id, f"unreadable metadata {sidecar.name}: {exc}") from None
    lang = info.get("lang") if info.get("lang") in SUPPORTED else None
    return Document(
        id=doc_id,
        text=text,
        lang=lang,
        **{k: (str(info[k]) if info.get(k) is not None else None) for k in _META_KEYS[1:]},
    )


def read_inputs(inputs: list[str]) -> Iterator[Document | DocumentError]:
    """Documents from paths (``-`` or none for standard input): .jsonl, .txt or folders."""
    if not inputs:
        inputs = ["-"]
    for item in inputs:
        if item == "-":
            yield from read_jsonl(sys.stdin.buffer, "<stdin>")
            continue
        path = Path(item)
        if path.is_dir():
            meta = _folder_metadata(path)
            files = sorted(p for p in path.iterdir() if p.suffix in (".txt", ".jsonl"))
            if not files:
                raise InputError(f"{path}: no .txt or .jsonl file in this folder")
            for f in files:
                yield from _read_file(f, meta.get(f.name))
        elif path.is_file():
            yield from _read_file(path, _folder_metadata(path.parent).get(path.name))
        else:
            raise InputError(f"{item}: no such file or folder")


def _read_file(path: Path, meta: dict | None) -> Iterator[Document | DocumentError]:
    if path.suffix in (".jsonl", ".json", ".ndjson"):
        with path.open("rb") as fh:
            yield from read_jsonl(fh, path.name)
    else:
        try:
            yield read_text_file(path, meta)
        except DocumentError as err:
            yield err
