"""What each role may do: the one map from :class:`~cxlens.core.vocabulary.Role` to permissions.

Every edge that checks a caller (the API's token check, the pages' session check, the CLI
when it acts for a user) asks :func:`allows`; no edge compares role names itself. Routes
declare the permission they need, never a list of roles, so giving a role a new right is a
change here and nowhere else. docs/accounts.md shows this table.
"""

from __future__ import annotations

from enum import StrEnum

from cxlens.core.errors import ForbiddenError
from cxlens.core.vocabulary import Role


class Permission(StrEnum):
    """One kind of thing a caller may do."""

    #: Read metrics, funnels, themes, comments and reports.
    READ = "read"
    #: Edit themes, correct a comment's labels, start theme discovery.
    EDIT_INSIGHTS = "edit_insights"
    #: Create and edit surveys, campaigns and trigger rules.
    MANAGE_SURVEYS = "manage_surveys"
    #: Record events and send invitations (what makes cxlens contact customers).
    SEND = "send"
    #: Work the closed-loop inbox: cases, notes, replies to customers.
    WORK_CASES = "work_cases"
    #: Export responses and customers out of cxlens.
    EXPORT = "export"
    #: Manage users, roles and tokens; read the audit log; export or erase a person.
    ADMINISTER = "administer"


#: Each role's permissions. ``admin`` has every one.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.ANALYST: frozenset(
        {
            Permission.READ,
            Permission.EDIT_INSIGHTS,
            Permission.MANAGE_SURVEYS,
            Permission.SEND,
            Permission.EXPORT,
        }
    ),
    Role.AGENT: frozenset({Permission.READ, Permission.WORK_CASES}),
    Role.VIEWER: frozenset({Permission.READ}),
}


def allows(role: Role, permission: Permission) -> bool:
    """Whether a caller with ``role`` has ``permission``."""
    return permission in ROLE_PERMISSIONS[role]


def check(role: Role, permission: Permission) -> None:
    """Raise 403 ``not_permitted`` unless ``role`` has ``permission``."""
    if not allows(role, permission):
        raise ForbiddenError(
            f"the {role.value} role may not {_VERBS[permission]}",
            error_code="not_permitted",
        )


_VERBS: dict[Permission, str] = {
    Permission.READ: "read analytics",
    Permission.EDIT_INSIGHTS: "edit themes or labels",
    Permission.MANAGE_SURVEYS: "manage surveys and campaigns",
    Permission.SEND: "record events or send invitations",
    Permission.WORK_CASES: "work cases",
    Permission.EXPORT: "export data",
    Permission.ADMINISTER: "administer users, tokens or the audit log",
}


__all__ = ["ROLE_PERMISSIONS", "Permission", "allows", "check"]
