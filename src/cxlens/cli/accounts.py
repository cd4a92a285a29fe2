"""``cxlens users`` and ``cxlens tokens``: staff accounts, their roles and API tokens.

Passwords are asked for twice with a hidden prompt, or read from the first line of stdin
with ``--password-stdin`` (scripts); they never appear in arguments, output or the audit
log. A token's secret is printed once, when it is created.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cxlens.cli.common import JsonOpt, fail, short_time, store_session, table, validated
from cxlens.cli.output import print_json, say, show
from cxlens.core.errors import CxlensError, InputError, Location
from cxlens.core.vocabulary import Role

if TYPE_CHECKING:
    from cxlens.features.accounts import TokenOut, UserOut

users_app = typer.Typer(
    rich_markup_mode=None,
    help="Staff users: create them, list them, change their role, reset a password.",
    no_args_is_help=True,
)
tokens_app = typer.Typer(
    rich_markup_mode=None,
    help="API tokens for /api/v1: create (the secret is shown once), list, revoke.",
    no_args_is_help=True,
)

EmailArg = Annotated[str, typer.Argument(help="The user's email (any case).")]
PasswordStdinOpt = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


def _scope(items: list[str]) -> dict[str, list[str]] | None:
    scope: dict[str, list[str]] = {}
    for item in items:
        attribute, sep, values = item.partition("=")
        allowed = [v.strip() for v in values.split(",") if v.strip()]
        if not sep or not attribute.strip() or not allowed:
            raise InputError(
                f"cannot read the data scope {item!r}",
                Location(field="--scope"),
                expected="ATTRIBUTE=VALUE[,VALUE…], e.g. region=NL,BE",
            )
        scope.setdefault(attribute.strip(), []).extend(allowed)
    return scope or None


def _user_row(user: UserOut) -> dict[str, Any]:
    return user.model_dump(mode="json")


def _show_users(title: str, users: list[UserOut]) -> None:
    out = table(title, "email", "name", "role", "data scope", "active", "last sign-in")
    out.columns[0].no_wrap = True
    for u in users:
        scope = "; ".join(f"{k}={','.join(v)}" for k, v in (u.data_scope or {}).items())
        out.add_row(
            u.email,
            u.display_name or "",
            u.role.value,
            scope or "all",
            "yes" if u.is_active else "no",
            short_time(u.last_sign_in_at),
        )
    show(out)


@users_app.command("create")
def users_create(
    email: EmailArg,
    role: Annotated[Role | None, typer.Option("--role", help="What the user may do.")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="Shorthand for --role admin.")] = False,
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(
            "--scope",
            help="Limit what they see: ATTRIBUTE=VALUE[,VALUE…] (region=NL); repeat for more.",
        ),
    ] = None,
    password_stdin: PasswordStdinOpt = False,
    json_output: JsonOpt = False,
) -> None:
    """Create a user with a role (and optionally a data scope); asks for a password."""
    try:
        if admin and role not in (None, Role.ADMIN):
            raise InputError(
                f"--admin and --role {role} disagree", Location(field="--role"), expected="one"
            )
        chosen = Role.ADMIN if admin else role
        if chosen is None:
            raise InputError(
                "no role given",
                Location(field="--role"),
                expected="--role admin|analyst|agent|viewer, or --admin",
            )
        from cxlens.features.accounts import UserIn, create_user
        from cxlens.features.accounts.service import check_password

        data = validated(
            UserIn, email=email, role=chosen, display_name=name, data_scope=_scope(scope or [])
        )
        password = _password(password_stdin)
        check_password(password)
        with store_session() as session:
            user = create_user(session, data, password)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(_user_row(user))
        return
    say("Created ", (user.email, "bold"), f" ({user.role.value})")


@users_app.command("list")
def users_list(json_output: JsonOpt = False) -> None:
    """List the users with their roles, data scopes and last sign-in."""
    from cxlens.features.accounts import list_users

    try:
        with store_session() as session:
            users = list_users(session)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"users": [_user_row(u) for u in users]})
        return
    _show_users("Users", users)


@users_app.command("set-role")
def users_set_role(
    email: EmailArg,
    role: Annotated[Role, typer.Option("--role", help="The new role.")],
    json_output: JsonOpt = False,
) -> None:
    """Change a user's role (recorded in the audit log)."""
    from cxlens.features.accounts import set_role

    try:
        with store_session() as session:
            user = set_role(session, email, role)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(_user_row(user))
        return
    say((user.email, "bold"), f" is now {user.role.value}")


def _set_active(email: str, active: bool, json_output: bool) -> None:
    from cxlens.features.accounts import set_active

    try:
        with store_session() as session:
            user = set_active(session, email, active)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(_user_row(user))
        return
    say((user.email, "bold"), " is now " + ("active" if user.is_active else "deactivated"))


@users_app.command("deactivate")
def users_deactivate(email: EmailArg, json_output: JsonOpt = False) -> None:
    """Deactivate a user: no sign-in, sessions ended, tokens stop working (audited)."""
    _set_active(email, False, json_output)


@users_app.command("reactivate")
def users_reactivate(email: EmailArg, json_output: JsonOpt = False) -> None:
    """Let a deactivated user sign in again (audited)."""
    _set_active(email, True, json_output)


@users_app.command("reset-password")
def users_reset_password(
    email: EmailArg, password_stdin: PasswordStdinOpt = False, json_output: JsonOpt = False
) -> None:
    """Set a new password for a user (recorded in the audit log, the password is not)."""
    from cxlens.features.accounts import reset_password
    from cxlens.features.accounts.service import check_password

    try:
        password = _password(password_stdin)
        check_password(password)
        with store_session() as session:
            user = reset_password(session, email, password)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(_user_row(user))
        return
    say("New password set for ", (user.email, "bold"))


def _token_row(token: TokenOut) -> dict[str, Any]:
    return token.model_dump(mode="json")


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Option("--user", help="Email of the token's owner.")],
    role: Annotated[Role, typer.Option("--role", help="What the token may do.")],
    expires_days: Annotated[
        int | None,
        typer.Option("--expires-days", min=1, help="Expire after this many days [default: never]."),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", help="What the token is for.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """Create an API token and print its secret: this once, it is stored only hashed."""
    from cxlens.features.accounts import TokenIn, create_token

    try:
        data = validated(TokenIn, user_email=user, role=role, expires_days=expires_days, name=name)
        with store_session() as session:
            created = create_token(session, data)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({**_token_row(created.token), "secret": created.secret})
        return
    say(created.secret)
    say(
        f"Token {created.token.prefix} ({created.token.role.value}, for "
        f"{created.token.user_email}, expires {short_time(created.token.expires_at)}): "
        "copy the secret now, it is not shown again.",
        err=True,
    )


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    json_output: JsonOpt = False,
) -> None:
    """List API tokens (prefix, owner, role, expiry, last use); never their secrets."""
    from cxlens.features.accounts import list_tokens

    try:
        with store_session() as session:
            tokens = list_tokens(session, user)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json({"tokens": [_token_row(t) for t in tokens]})
        return
    out = table("API tokens", "prefix", "owner", "role", "name", "expires", "last used", "state")
    out.columns[0].no_wrap = out.columns[1].no_wrap = True
    for t in tokens:
        out.add_row(
            t.prefix,
            t.user_email,
            t.role.value,
            t.name or "",
            short_time(t.expires_at),
            short_time(t.last_used_at),
            "revoked" if t.revoked_at is not None else "active",
        )
    show(out)


@tokens_app.command("revoke")
def tokens_revoke(
    prefix: Annotated[str, typer.Argument(help="The token's prefix (cxl_ and 8 characters).")],
    json_output: JsonOpt = False,
) -> None:
    """Revoke an API token for good (recorded in the audit log)."""
    from cxlens.features.accounts import revoke_token

    try:
        with store_session() as session:
            token = revoke_token(session, prefix)
    except CxlensError as error:
        raise fail(error) from None
    if json_output:
        print_json(_token_row(token))
        return
    say(f"Revoked {token.prefix} (owner {token.user_email})")
