"""Accounts: staff users with a role and a data scope, API tokens, and the audit log.

The one list of roles is :class:`cxlens.core.vocabulary.Role`. Passwords are argon2id
hashes (:mod:`.passwords`); a token's secret is shown once and stored as a SHA-256 hash.
What each role may do is :mod:`.permissions`; the API checks tokens with
:func:`verify_token` (:mod:`cxlens.web.auth`). See docs/accounts.md.
"""

from cxlens.features.accounts.errors import (
    ApiTokenExpiredError,
    AuthenticationError,
    InvalidApiTokenError,
    InvalidCredentialsError,
    UserExistsError,
)
from cxlens.features.accounts.schemas import (
    AuditAction,
    AuditEntryOut,
    CreatedToken,
    Principal,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
)
from cxlens.features.accounts.service import (
    authenticate,
    create_token,
    create_user,
    list_tokens,
    list_users,
    recent_audit,
    record_audit,
    record_token_use,
    reset_password,
    revoke_token,
    set_active,
    set_role,
    verify_token,
)

__all__ = [
    "ApiTokenExpiredError",
    "AuditAction",
    "AuditEntryOut",
    "AuthenticationError",
    "CreatedToken",
    "InvalidApiTokenError",
    "InvalidCredentialsError",
    "Principal",
    "TokenIn",
    "TokenOut",
    "UserExistsError",
    "UserIn",
    "UserOut",
    "authenticate",
    "create_token",
    "create_user",
    "list_tokens",
    "list_users",
    "recent_audit",
    "record_audit",
    "record_token_use",
    "reset_password",
    "revoke_token",
    "set_active",
    "set_role",
    "verify_token",
]
