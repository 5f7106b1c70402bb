"""Reviewing in the browser: a reviewer signs in with the API token, and the document page
(``/documents/<id>``) then offers the review tools of ``web/static/review.js``.

The sign-in keeps a Flask session in a signed cookie (HttpOnly, SameSite=Strict, Secure
when the public URL is https): the reviewer's name, a CSRF token, the time of the sign-in and a
keyed fingerprint of the API token (never the token), so changing the token signs everybody
out. The signing key is given as ``SECRET_KEY`` or generated once per data folder and kept
beside the store (:data:`KEY_FILE`, mode 600).

Every form posts the session's CSRF token (:data:`CSRF_FIELD`) and every JSON write from the
page sends it in the :data:`CSRF_HEADER` header; :func:`session_reviewer` is how the
corrections API (:mod:`web.review_api`) accepts the cookie as an alternative to the Bearer
token: a write with the cookie and without the right CSRF token is refused (403).

Example
-------
>>> client.post("/review/sign-in", data={"reviewer": "ana", "token": "s3cret",
...             "csrf_token": csrf})                                      # doctest: +SKIP
<WrapperTestResponse streamed [303 SEE OTHER]>
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import threading
import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask.sessions import NullSession

from geo import event_types
from geo.corrections import PLACE_FEATURES, check_reviewer
from geo.errors import AuthError, ConflictmapError, DocumentError, InputError
from geo.model import pick_name

log = logging.getLogger(__name__)

bp = Blueprint("review_pages", __name__, template_folder="templates")

SESSION_COOKIE = "conflictmap_review"
SESSION_SECONDS = 12 * 3600  # a sign-in lasts a working day
CSRF_FIELD = "csrf_token"  # the hidden field of every review form
CSRF_HEADER = "X-CSRF-Token"  # the header of every JSON write made with the cookie
KEY_FILE = "conflictmap-session.key"  # the session signing key, beside the store
MAX_NEXT = 2000  # characters of the page to go back to after signing in or out
SIGN_IN_PATH = "/review/sign-in"
SIGN_OUT_PATH = "/review/sign-out"


class CsrfError(ConflictmapError):
    """A write made with the review cookie but without the session's CSRF token."""

    status = 403


# -- the session's key and cookie -----------------------------------------------------------------
def _key_folder(app: Flask) -> Path | None:
    """The data folder the key is kept in: the SQLite store's folder, else the user data
    directory (a PostGIS store); None when the app was given a store object."""
    db = app.config.get("DB")
    if app.config.get("STORE") is not None and not db:
        return None
    if isinstance(db, (str, os.PathLike)) and "://" not in str(db):
        return Path(db).expanduser().resolve().parent
    if db and str(db).startswith("sqlite:///"):
        return Path(str(db)[len("sqlite:///") :]).expanduser().resolve().parent
    from gazetteer.lookup import default_home

    return default_home()


def _load_or_create_key(folder: Path) -> bytes:
    """The key kept in ``folder`` (made on first use, readable by its owner only)."""
    path = folder / KEY_FILE
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use that one
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex() + "\n")
    return key


def configure(app: Flask) -> None:
    """Give the app its session key and cookie settings (called by :func:`web.create_app`)."""
    app.config.setdefault("SECRET_KEY", None)
    if not app.config.get("SECRET_KEY") and app.config.get("API_TOKEN"):
        folder = _key_folder(app)
        key = None
        if folder is not None:
            try:
                key = _load_or_create_key(folder)
            except (OSError, ValueError) as exc:
                log.warning(
                    "cannot keep the session key in %s (%s): sign-ins last until the server stops",
                    folder,
                    exc,
                )
        app.config["SECRET_KEY"] = key or secrets.token_bytes(32)
    public = str(app.config.get("PUBLIC_URL") or "")
    app.config.update(
        SESSION_COOKIE_NAME=SESSION_COOKIE,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=public.startswith("https://"),
        SESSION_COOKIE_PATH="/",
    )


def _token_mark() -> str | None:
    """A keyed fingerprint of the configured token (the token itself is never in the cookie)."""
    token = current_app.config.get("API_TOKEN")
    key = current_app.config.get("SECRET_KEY")
    if not token or not key:
        return None
    key = key if isinstance(key, bytes) else str(key).encode()
    return hmac.new(key, str(token).encode(), hashlib.sha256).hexdigest()[:32]


def signed_in() -> str | None:
    """The name of the reviewer signed in with this request's cookie, or None (no cookie, an
    expired sign-in, a token changed since, or writes disabled)."""
    mark = _token_mark()
    name = session.get("reviewer")
    if mark is None or not isinstance(name, str):
        return None
    at = session.get("at")
    if not isinstance(at, int) or not 0 <= time.time() - at <= SESSION_SECONDS:
        return None
    if not hmac.compare_digest(str(session.get("tk", "")), mark):
        return None
    return name


def csrf_token() -> str:
    """The session's CSRF token (made when first needed)."""
    tok = session.get("csrf")
    if not isinstance(tok, str) or len(tok) < 20:
        tok = secrets.token_urlsafe(32)
        session["csrf"] = tok
    return tok


def _csrf_ok(given: Any) -> bool:
    tok = session.get("csrf")
    return (
        isinstance(given, str)
        and isinstance(tok, str)
        and bool(tok)
        and hmac.compare_digest(given.encode(), tok.encode())
    )


def session_reviewer() -> str | None:
    """For a write of the corrections API: the signed-in reviewer when the request comes with
    the review cookie and no ``Authorization`` header (the Bearer token goes first); its CSRF
    header is checked (:class:`CsrfError` when missing or wrong). None: check the token."""
    if request.headers.get("Authorization"):
        return None
    name = signed_in()
    if name is None:
        return None
    if not _csrf_ok(request.headers.get(CSRF_HEADER)):
        raise CsrfError(
            f"this write comes with the review cookie but without the page's CSRF token "
            f"({CSRF_HEADER} header): reload the page"
        )
    return name


def _next_page(value: Any) -> str:
    """A page of this site to go back to (never another site's)."""
    if (
        isinstance(value, str)
        and value.startswith("/")
        and not value.startswith(("//", "/\\"))
        and len(value) <= MAX_NEXT
        and all(32 < ord(c) < 127 for c in value)
    ):
        return value
    return "/documents"


# -- sign in, sign out --------------------------------------------------------------------------
def _sign_in_page(status: int = 200, error: str | None = None, name: str = ""):
    enabled = bool(current_app.config.get("API_TOKEN"))
    page = render_template(
        "review_sign_in.html",
        csrf=csrf_token() if enabled else "",
        csrf_field=CSRF_FIELD,
        next=_next_page(request.values.get("next")),
        error=error,
        name=name,
        enabled=enabled,
        reviewer=signed_in(),
    )
    return page, status


@bp.get(SIGN_IN_PATH)
def sign_in_form():
    """The sign-in form: the reviewer's name and the API token."""
    return _sign_in_page()


def _from_form() -> bool:
    """True for a browser's form (an HTML answer); other clients get JSON errors."""
    return request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")


@bp.post(SIGN_IN_PATH)
def sign_in():
    """Check the token (in constant time, first: a wrong one is 401 whatever else is sent), the
    form's CSRF token and the reviewer's name, and open the review session."""
    name_given = request.form.get("reviewer", "")
    shown = name_given[:100]
    token = current_app.config.get("API_TOKEN")
    given = request.form.get("token", "")
    if not token or not hmac.compare_digest(given.strip().encode(), str(token).encode()):
        if not token:
            if not _from_form():
                raise AuthError("writes are disabled: the server has no API token configured")
            return _sign_in_page(403, "Reviewing is disabled: the server has no API token.")
        log.info("a review sign-in with a wrong token from %s", request.remote_addr)
        if not _from_form():
            raise AuthError("sign in with the form's reviewer, token and csrf_token fields")
        return _sign_in_page(401, "That token is not the server's.", shown)
    if not _csrf_ok(request.form.get(CSRF_FIELD)):
        return _sign_in_page(
            400, "The form had expired (or your browser did not keep its cookie): try again.", shown
        )
    try:
        name = check_reviewer(name_given)
    except InputError as exc:
        return _sign_in_page(400, exc.message, shown)
    session.clear()  # a new session: a new CSRF token, nothing of the anonymous form kept
    session["reviewer"] = name
    session["at"] = int(time.time())
    session["tk"] = _token_mark()
    csrf_token()
    return redirect(_next_page(request.form.get("next")), code=303)


@bp.post(SIGN_OUT_PATH)
def sign_out():
    """Close the review session (the form carries the CSRF token). Nobody signed in: nothing
    to close (a form goes back to its page; another client gets 401)."""
    if signed_in() is None:
        if not _from_form():
            raise AuthError("nobody is signed in to review with this client")
    elif not _csrf_ok(request.form.get(CSRF_FIELD)):
        raise CsrfError("sign out from the page's button (its CSRF token was missing)")
    if not isinstance(session, NullSession):  # no session at all without a token
        session.clear()
    return redirect(_next_page(request.form.get("next")), code=303)


# -- what the document page needs ---------------------------------------------------------------
def _type_choices() -> list[dict]:
    return [{"name": t.name, "subtypes": list(t.subtype_names)} for t in event_types.event_types()]


def page_context(doc: dict) -> dict:
    """The review part of a document page: ``enabled`` (a token is configured), and for a
    signed-in reviewer their name, the CSRF token and the data the page's script reads."""
    reviewer = signed_in()
    out: dict[str, Any] = {
        "enabled": bool(current_app.config.get("API_TOKEN")),
        "reviewer": reviewer,
        "sign_in": SIGN_IN_PATH,
        "sign_out": SIGN_OUT_PATH,
        "csrf_field": CSRF_FIELD,
        "next": _next_page(request.full_path.rstrip("?")),
    }
    if reviewer is None:
        return out
    out["csrf"] = csrf_token()
    out["data"] = {
        "doc": doc["id"],
        "lang": doc.get("lang") or "",
        "csrf": out["csrf"],
        "csrfHeader": CSRF_HEADER,
        "placeFeatures": list(PLACE_FEATURES),
        "types": _type_choices(),
        "mentions": [
            {
                k: m.get(k)
                for k in ("id", "start", "end", "text", "place_id", "name", "country_code")
            }
            for m in doc.get("mentions") or []
        ],
        "events": [
            {k: e.get(k) for k in ("id", "type", "subtype", "date", "fatalities")}
            for e in doc.get("events") or []
        ],
    }
    return out


# -- the candidates of each name, with the geoparser's reasons -----------------------------------
_parsers: dict[int, Any] = {}
_parsers_lock = threading.Lock()


def _geoparser(gaz):
    """A geoparser over the app's gazetteer, with no NER (it only resolves given spans)."""
    from geo.geoparse import Geoparser

    with _parsers_lock:
        if id(gaz) not in _parsers:
            _parsers[id(gaz)] = Geoparser(gaz, use_ner=False)
        return _parsers[id(gaz)]


def _candidate(cand_place, score: float, reason: str, lang: str) -> dict:
    p = cand_place
    return {
        "id": p.id,
        "name": pick_name({"name": p.name, "name_fr": p.name_fr, "name_en": p.name_en}, lang)
        or p.name,
        "feature": p.feature,
        "country_code": p.country_code,
        "admin1_name": p.admin1_name,
        "score": round(score, 4),
        "reason": reason,
    }


def candidates(doc: dict, gaz) -> dict[str, dict]:
    """For each mention of a stored document (by id): the places its name could be, best
    first, each with its score and the geoparser's reason (``--explain``), as the geoparser
    resolves the document's names today."""
    from geo.model import Document

    mentions = doc.get("mentions") or []
    spans = tuple(sorted({(m["start"], m["end"]) for m in mentions}))
    lang = doc.get("lang") or ""
    out: dict[str, dict] = {}
    if not spans:
        return out
    try:
        parsed = _geoparser(gaz).parse(
            Document(str(doc["id"]), doc.get("text") or "", lang=lang or None, spans=spans)
        )
    except DocumentError as exc:
        log.info("no candidates for %s: %s", doc["id"], exc.message)
        return out
    found = {(m.start, m.end): m for m in parsed.mentions}
    for m in mentions:
        p = found.get((m["start"], m["end"]))
        if p is None:
            continue
        cands = []
        if p.place is not None and p.precision == "exact":
            cands.append(_candidate(p.place, p.score, p.reason, lang))
        cands += [_candidate(c.place, c.score, c.reason, lang) for c in p.runners_up]
        out[str(m["id"])] = {"reason": p.reason, "candidates": cands}
    return out


@bp.get("/review/candidates/<path:doc_id>")
def candidates_json(doc_id: str):
    """The candidates of every name of a document (signed-in reviewers, or the token)."""
    from web.api import check_token
    from web.context import get_gazetteer, get_store

    if signed_in() is None:
        check_token()
    store = get_store()
    doc = store.document(doc_id)
    gaz = _taught_gazetteer(store, get_gazetteer())
    return jsonify({"document": doc["id"], "mentions": candidates(doc, gaz)})


def _taught_gazetteer(store, shared):
    """The app's gazetteer with what the store's reviewers taught on top (an instance of its
    own, the shared one left as built); the shared one when they taught nothing."""
    from gazetteer.lookup import Gazetteer

    layer = store.reviewed_layer()
    if not layer:
        return shared
    own = current_app.extensions.setdefault("conflictmap_review", {})
    with _parsers_lock:
        gaz = own.get("gazetteer")
        if gaz is None:
            gaz = own["gazetteer"] = Gazetteer(shared.path)
    gaz.use_reviewed(layer)
    return gaz
