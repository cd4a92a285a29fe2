"""The role → permission map: admin has all, viewer only reads, 403 names the role."""

from __future__ import annotations

import pytest

from cxlens.core.errors import ForbiddenError
from cxlens.core.vocabulary import Role
from cxlens.features.accounts.permissions import ROLE_PERMISSIONS, Permission, allows, check


def test_every_role_has_an_entry_and_admin_has_every_permission() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)
    assert all(allows(Role.ADMIN, p) for p in Permission)


def test_viewer_only_reads_and_agent_works_cases() -> None:
    assert {p for p in Permission if allows(Role.VIEWER, p)} == {Permission.READ}
    assert allows(Role.AGENT, Permission.WORK_CASES)
    assert not allows(Role.ANALYST, Permission.ADMINISTER)
    assert not allows(Role.AGENT, Permission.EXPORT)


def test_check_refuses_with_not_permitted() -> None:
    with pytest.raises(ForbiddenError) as caught:
        check(Role.VIEWER, Permission.EDIT_INSIGHTS)
    assert caught.value.error_code == "not_permitted"
    assert "viewer" in str(caught.value)
    check(Role.ANALYST, Permission.EDIT_INSIGHTS)
