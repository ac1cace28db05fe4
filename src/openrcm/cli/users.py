"""`openrcm users ...`: create logins with a role in a tenant, list a tenant's users."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from openrcm.cli.output import fail, input_errors, print_json

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

app = typer.Typer(help="Users, roles and tenants.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON document.")]


def _session_factory() -> sessionmaker[Session]:
    from openrcm.cli.database import _session_factory as cached
    from openrcm.settings import get_settings

    return cached(get_settings().database_url)


@app.command("create")
def create(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant (practice) id.")],
    role: Annotated[
        str,
        typer.Option("--role", help="admin, manager, coder, biller, auditor or payer_examiner."),
    ],
    username: Annotated[str, typer.Option("--username")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Create a login with a role in a tenant (or add the role to an existing login)."""
    from openrcm.domain.access import Role
    from openrcm.service.auth import AuthError, create_user

    if role not in {r.value for r in Role}:
        fail(f"--role: {role!r} is not one of {', '.join(r.value for r in Role)}")
    if not password_stdin:
        fail("--password-stdin: give the password on standard input (never on the command line)")
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        fail("--password-stdin: standard input held no password")
    with input_errors():
        try:
            user = create_user(
                _session_factory(),
                username=username,
                password=password,
                tenant_id=tenant,
                role=Role(role),
            )
        except AuthError as error:
            fail(str(error))
    document = {"user_id": user.id, "username": user.username, "tenant": tenant, "role": role}
    if as_json:
        print_json(document)
    else:
        typer.echo(f"{user.username} is {role} in {tenant}")


@app.command("list")
def list_users(
    tenant: Annotated[str, typer.Option("--tenant", help="Tenant (practice) id.")],
    as_json: JsonFlag = False,
) -> None:
    """The tenant's logins and their roles."""
    from openrcm.service.auth import members

    with input_errors():
        found = members(_session_factory(), tenant)
    rows = [{"username": u.username, "user_id": u.id, "role": r.value} for u, r in found]
    if as_json:
        print_json(rows)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("Username", "Role", title=f"users of {tenant}")
    for row in rows:
        table.add_row(row["username"], row["role"])
    Console().print(table)
