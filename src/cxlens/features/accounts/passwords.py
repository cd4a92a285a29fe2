"""Password hashing: argon2id with argon2-cffi's :class:`~argon2.PasswordHasher` defaults.

The defaults are RFC 9106's low-memory profile (t=3, m=64 MiB, p=4). A hash made with other
parameters still verifies, and :func:`verify` says when it should be replaced
(:meth:`~argon2.PasswordHasher.check_needs_rehash`), so raising the parameters upgrades
each hash at its user's next sign-in.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: A password hashed once per process: :func:`verify_nobody` checks against it, so a sign-in
#: for an unknown email costs as much as one for a known email.
_DUMMY_PASSWORD = "cxlens: no such user"


@cache
def hasher() -> PasswordHasher:
    """The one password hasher (argon2id, the library's current defaults)."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (``$argon2id$v=19$m=…``)."""
    return hasher().hash(password)


def verify(stored_hash: str, password: str) -> tuple[bool, bool]:
    """Whether ``password`` matches ``stored_hash``, and whether the hash needs rehashing.

    A malformed stored hash is a mismatch (never an exception the caller must tell apart).
    """
    try:
        hasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, False
    return True, hasher().check_needs_rehash(stored_hash)


@cache
def _dummy_hash() -> str:
    return hash_password(_DUMMY_PASSWORD)


def verify_nobody(password: str) -> None:
    """Spend the time of one verification, for a user who does not exist or cannot sign in."""
    verify(_dummy_hash(), password)
