"""Errors that cxlens raises on purpose.

Every error a user can cause says *what* was wrong and *where*: the file, the row (1-based,
as a spreadsheet shows it), the column and the field, and what was expected instead.

Every error also carries an HTTP status (:attr:`CxlensError.http_status`) and a stable
machine code (:attr:`CxlensError.error_code`, ``snake_case``): the web layer renders both
as problem details (RFC 9457), and code that must tell errors apart tests the class or the
code, never the wording of the message. The codes are listed in ``docs/errors.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class CxlensError(Exception):
    """Base class of every error cxlens raises on purpose.

    ``error_code`` (keyword) overrides the class's code for one error, e.g.
    ``NotFoundError("no survey 'x'", error_code="unknown_survey")``.
    """

    #: The HTTP status the API answers with when this error reaches it.
    http_status: int = 400
    #: A stable machine code (``snake_case``); clients and our own code branch on it.
    error_code: str = "bad_request"

    def __init__(self, *args: object, error_code: str | None = None) -> None:
        super().__init__(*args)
        if error_code is not None:
            self.error_code = error_code


@dataclass(frozen=True, slots=True)
class Location:
    """Where in an input the problem is. Any part may be unknown (``None``)."""

    file: str | None = None
    row: int | None = None
    column: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file is not None:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column!r}")
        if self.field is not None:
            parts.append(f"field {self.field!r}")
        return ", ".join(parts)


@dataclass(eq=False)
class InputError(CxlensError):
    """Bad input: a file, a row or a value that cxlens cannot use.

    ``problem`` says what is wrong, ``expected`` what would have been right.
    """

    problem: str
    location: Location = field(default_factory=Location)
    expected: str | None = None
    #: The limit that was passed (characters, bytes, rows ...), where one was.
    limit: int | None = field(default=None, kw_only=True)
    error_code: str = field(default="invalid_input", kw_only=True)
    http_status: int = field(default=422, kw_only=True)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.problem}" if where else self.problem
        if self.expected:
            text += f" (expected {self.expected})"
        return text


@dataclass(eq=False)
class TooLargeError(InputError):
    """A request body, file or value larger than cxlens takes; ``limit`` says how large."""

    error_code: str = field(default="too_large", kw_only=True)
    http_status: int = field(default=413, kw_only=True)


class ConfigurationError(CxlensError):
    """A setting or an option that cannot work (bad database URL, unknown metric ...)."""

    http_status = 422
    error_code = "invalid_configuration"


class NotFoundError(CxlensError):
    """A thing asked for by id or name does not exist."""

    http_status = 404
    error_code = "not_found"


class ForbiddenError(CxlensError):
    """A request cxlens refuses: a signature that does not match, a feature switched off."""

    http_status = 403
    error_code = "forbidden"
