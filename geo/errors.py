"""One error hierarchy for the whole project.

Every error carries a one-line message meant for a person and an HTTP status, so the CLI can
print it and exit non-zero and the web API can answer ``{"error": message}`` with that status.
"""

from __future__ import annotations


class ConflictmapError(Exception):
    """Base class of every error the project raises on purpose."""

    status: int = 500
    exit_code: int = 1

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status

    def __str__(self) -> str:
        return self.message


class InputError(ConflictmapError):
    """Bad input from a user: unreadable document, invalid parameter, malformed line."""

    status = 400
    exit_code = 2


class DocumentError(InputError):
    """A single document that cannot be processed; carries its id and the reason."""

    def __init__(self, doc_id: str | None, reason: str) -> None:
        self.doc_id = doc_id
        self.reason = reason
        super().__init__(f"document {doc_id or '?'}: {reason}")


class ConflictError(InputError):
    """A well-formed request that the data as it stands refuses (unmerging an event that is not
    merged): HTTP 409."""

    status = 409


class NotFoundError(ConflictmapError):
    """A place, document or resource that does not exist."""

    status = 404


class AuthError(ConflictmapError):
    """A write request without the configured token."""

    status = 401


class ConfigError(ConflictmapError):
    """A setting that points at something unusable (a path, an option)."""

    status = 500
    exit_code = 3


class GazetteerError(ConflictmapError):
    """The gazetteer cannot be built or opened."""

    status = 500
    exit_code = 4
