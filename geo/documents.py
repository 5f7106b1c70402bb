"""Read documents: .txt files, HTML pages, JSON Lines (a file or standard input), and folders of
them. Each bad document becomes a :class:`~geo.errors.DocumentError` naming it and the reason,
and the others go on. ``ingest`` reads with :func:`iter_documents`, ``geoparse`` and ``extract``
with :func:`read_inputs`; both read each file with :func:`read_file`.

A folder may hold a ``metadata.json`` mapping file names to ``lang``/``published``/``source``/
``url``/``title`` (as ``seeds/`` does); a ``NAME.json`` beside ``NAME.txt`` or ``NAME.html`` does
the same for one file. An HTML page is reduced to its article with trafilatura; its title, URL
and publication date come from the page (:mod:`geo.html_dates`) unless the metadata gives them.

Every id is checked by :func:`check_document_id` (a JSON line's ``id``, a file's name): an id
names the document's page (``/documents/<id>``) and its rows in every export, so it has no path
separator, no ``..``, no control or invisible character and at most :data:`MAX_ID_CHARS`
characters.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from geo.errors import DocumentError, InputError
from geo.html_dates import html_publication_date
from geo.lang import SUPPORTED
from geo.model import Document
from geo.text import MAX_CHARS, check_document_text

TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
INPUT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
MAX_LINE_BYTES = 4 * MAX_CHARS + 1024
MAX_TEXT_BYTES = 4 * MAX_CHARS
MAX_HTML_BYTES = 8 * MAX_CHARS  # pages carry markup around the article
MAX_ID_CHARS = 200
META_KEYS = ("published", "source", "url", "title")  # and "lang", checked on its own
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
    meta = {k: (str(obj[k]) if obj.get(k) is not None else None) for k in META_KEYS}
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


def folder_metadata(folder: Path) -> dict[str, dict]:
    """The ``metadata.json`` of ``folder``: file name -> its metadata (empty when there is none).

    Raises
    ------
    InputError
        The file is not readable JSON.
    """
    meta_file = folder / "metadata.json"
    if not meta_file.is_file():
        return {}
    try:
        data = json.loads(meta_file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{meta_file}: unreadable metadata ({exc})") from None
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def file_metadata(path: Path, meta: dict | None, doc_id: str) -> dict:
    """``meta`` (from the folder's ``metadata.json``) updated with the ``NAME.json`` beside
    ``path``; :class:`DocumentError` when that file is unreadable or not a JSON object."""
    info = dict(meta or {})
    sidecar = path.with_suffix(".json")
    if sidecar.is_file():
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DocumentError(doc_id, f"unreadable metadata {sidecar.name}: {exc}") from None
        if not isinstance(data, dict):
            raise DocumentError(doc_id, f"metadata {sidecar.name} must be a JSON object")
        info.update(data)
    return info


def _read_bytes(path: Path, doc_id: str, limit: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > limit:
            raise DocumentError(doc_id, f"file of {size:,} bytes is too large")
        return path.read_bytes()
    except OSError as exc:
        raise DocumentError(doc_id, f"cannot read {path.name}: {exc.strerror}") from None


def _str(value) -> str | None:
    return str(value) if value not in (None, "") else None


def read_text_file(path: Path, meta: dict | None = None) -> Document:
    """One .txt file as a document; its id is the file name without extension."""
    doc_id = check_document_id(path.stem, shown_id(path.name))
    text = _decode(_read_bytes(path, doc_id, MAX_TEXT_BYTES), doc_id)
    check_document_text(text, doc_id)
    info = file_metadata(path, meta, doc_id)
    lang = info.get("lang") if info.get("lang") in SUPPORTED else None
    return Document(
        id=doc_id,
        text=text,
        lang=lang,
        **{k: (str(info[k]) if info.get(k) is not None else None) for k in META_KEYS},
    )


def read_html_file(path: Path, meta: dict | None = None) -> Document:
    """One HTML page reduced to its article with trafilatura; title, URL and publication date
    come from the page's metadata unless ``meta`` (or a ``NAME.json`` sidecar) gives them.

    Raises
    ------
    DocumentError
        Unreadable, too large, not HTML, or no article text found.
    """
    import trafilatura

    doc_id = check_document_id(path.stem, shown_id(path.name))
    raw = _read_bytes(path, doc_id, MAX_HTML_BYTES)
    if b"\x00" in raw[:4096]:
        raise DocumentError(doc_id, "looks binary, not an HTML page")
    try:
        html = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        html = raw.decode("cp1252", errors="replace")  # old news sites; markup survives
    info = file_metadata(path, meta, doc_id)
    try:
        page = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False
        )
    except (ValueError, TypeError, RecursionError) as exc:  # lxml on hostile markup
        raise DocumentError(doc_id, f"cannot parse the HTML: {exc}") from None
    text = (getattr(page, "text", None) or "").strip() if page is not None else ""
    if not text:
        raise DocumentError(doc_id, "no article text found in the HTML page")
    check_document_text(text, doc_id)
    published = info.get("published")
    if not published:
        found = html_publication_date(html)
        published = found.value if found else getattr(page, "date", None)
    lang = info.get("lang") if info.get("lang") in SUPPORTED else None
    return Document(
        id=doc_id,
        text=text,
        lang=lang,
        published=_str(published),
        source=_str(info.get("source") or getattr(page, "sitename", None)),
        url=_str(info.get("url") or getattr(page, "url", None)),
        title=_str(info.get("title") or getattr(page, "title", None)),
    )


def read_file(
    path: Path, meta: dict | None = None, *, json_lines: tuple[str, ...] = JSONL_SUFFIXES
) -> Iterator[Document | DocumentError]:
    """The documents of one file, by its suffix: each line of JSON Lines (``json_lines``), an
    HTML page (.html, .htm), else a text file; a failure is yielded, not raised."""
    suffix = path.suffix.lower()
    try:
        if suffix in json_lines:
            with path.open("rb") as fh:
                yield from read_jsonl(fh, path.name)
        elif suffix in HTML_SUFFIXES:
            yield read_html_file(path, meta)
        else:
            yield read_text_file(path, meta)
    except DocumentError as err:
        yield err
    except OSError as exc:
        yield DocumentError(path.name, f"cannot read: {exc.strerror}")


def _input_files(folder: Path) -> list[Path]:
    """The input files under ``folder``, recursively, hidden ones left out, in name order."""
    return sorted(
        p
        for p in folder.rglob("*")
        if p.suffix.lower() in INPUT_SUFFIXES
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def iter_documents(
    paths: Iterable[str | os.PathLike], *, published: str | None = None, source: str | None = None
) -> Iterator[Document | DocumentError]:
    """Documents from files and folders (recursively): .txt, .html/.htm, .jsonl/.ndjson.

    Metadata comes from each JSON line, a ``NAME.json`` sidecar or a folder's
    ``metadata.json``; ``published`` and ``source`` fill in what a document does not give.
    A path that does not exist, or a folder without any input file, is reported as an error.
    """
    for item in paths:
        path = Path(item)
        if path.is_dir():
            files = _input_files(path)
            if not files:
                yield DocumentError(str(path), "no .txt, .html or .jsonl file in this folder")
            metas: dict[Path, dict] = {}
            for f in files:
                if f.parent not in metas:
                    try:
                        metas[f.parent] = folder_metadata(f.parent)
                    except InputError as exc:
                        yield DocumentError(str(f.parent / "metadata.json"), exc.message)
                        metas[f.parent] = {}
                yield from _defaults(read_file(f, metas[f.parent].get(f.name)), published, source)
        elif path.is_file():
            try:
                meta = folder_metadata(path.parent).get(path.name)
            except InputError:
                meta = None
            yield from _defaults(read_file(path, meta), published, source)
        else:
            yield DocumentError(str(item), "no such file or folder")


def _defaults(stream, published, source):
    for d in stream:
        if isinstance(d, Document) and (
            (published and not d.published) or (source and not d.source)
        ):
            d = replace(d, published=d.published or published, source=d.source or source)
        yield d


def count_documents(paths: Iterable[str | os.PathLike]) -> int:
    """How many documents :func:`iter_documents` will give at most (a file each, a non-blank
    line each in JSON Lines), for the progress bar's total; read without parsing."""
    total = 0
    for item in paths:
        path = Path(item)
        files = (
            (p for p in path.rglob("*") if p.suffix.lower() in INPUT_SUFFIXES and p.is_file())
            if path.is_dir()
            else [path] if path.is_file() else []
        )  # fmt: skip
        for f in files:
            if f.suffix.lower() not in JSONL_SUFFIXES:
                total += 1
                continue
            with contextlib.suppress(OSError), open(f, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
    return total


def read_inputs(inputs: list[str]) -> Iterator[Document | DocumentError]:
    """Documents from the paths of ``geoparse`` and ``extract`` (``-`` or none for standard
    input): a folder's .txt and .jsonl files (not its subfolders), or a file (a named .json
    file is JSON Lines too).

    Raises
    ------
    InputError
        A path that does not exist, a folder with no input file, an unreadable metadata.json.
    """
    if not inputs:
        inputs = ["-"]
    for item in inputs:
        if item == "-":
            yield from read_jsonl(sys.stdin.buffer, "<stdin>")
            continue
        path = Path(item)
        if path.is_dir():
            meta = folder_metadata(path)
            files = sorted(p for p in path.iterdir() if p.suffix in (".txt", ".jsonl"))
            if not files:
                raise InputError(f"{path}: no .txt or .jsonl file in this folder")
            for f in files:
                yield from read_file(f, meta.get(f.name))
        elif path.is_file():
            meta = folder_metadata(path.parent).get(path.name)
            yield from read_file(path, meta, json_lines=(*JSONL_SUFFIXES, ".json"))
        else:
            raise InputError(f"{item}: no such file or folder")
