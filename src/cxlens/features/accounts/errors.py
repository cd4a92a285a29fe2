"""Accounts' errors: who could not be recognised (401), an email already taken (409), a
form without its CSRF token (403), too many failed sign-ins (429).

Each is a :class:`~cxlens.core.errors.CxlensError` with a status and a stable code listed in
``docs/errors.md``. The 401 messages never say whether an email exists or why a token was
refused beyond "not valid" / "expired".
"""

from __future__ import annotations

from cxlens.core.errors import CxlensError


class AuthenticationError(CxlensError):
    """A caller cxlens cannot recognise (401)."""

    http_status = 401
    error_code = "unauthenticated"


class InvalidCredentialsError(AuthenticationError):
    """A wrong email or password, or an inactive user (the message does not say which)."""

    error_code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("the email or the password is not right")


class InvalidApiTokenError(AuthenticationError):
    """An API token that is unknown, revoked, or whose owner is inactive.

    Its code is ``invalid_api_token``, not ``invalid_token``: that one is a survey link's
    token (404).
    """

    error_code = "invalid_api_token"

    def __init__(self) -> None:
        super().__init__("the API token is not valid")


class ApiTokenExpiredError(AuthenticationError):
    """A genuine API token past its expiry."""

    error_code = "api_token_expired"

    def __init__(self) -> None:
        super().__init__("the API token has expired")


class UserExistsError(CxlensError):
    """A user with this email exists already (emails are unique regardless of case)."""

    http_status = 409
    error_code = "user_exists"


class CsrfError(CxlensError):
    """A staff form posted without its CSRF token, or with a wrong one (403)."""

    http_status = 403
    error_code = "csrf_failed"

    def __init__(self) -> None:
        super().__init__("the form's security token is missing or not valid; reload the page")


class SignInThrottledError(CxlensError):
    """Too many failed sign-ins for this email or from this client (429).

    ``retry_after`` is the number of seconds until the oldest counted failure leaves the
    window (at least 1). The password of a throttled attempt is not checked.
    """

    http_status = 429
    error_code = "sign_in_throttled"

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many failed sign-ins; wait and try again")
        self.retry_after = max(1, retry_after)


__all__ = [
    "ApiTokenExpiredError",
    "AuthenticationError",
    "CsrfError",
    "InvalidApiTokenError",
    "InvalidCredentialsError",
    "SignInThrottledError",
    "UserExistsError",
]
