from __future__ import annotations

import click

from cli.common import Context, echo, emit_json, handle_errors, json_option, pass_ctx, table


@click.group("actor")
def command() -> None:
    """Register and list the people (and automation) who act in the ledger."""


@command.command("add")
@click.argument("actor_id")
@click.option("--name", required=True, help="Display name of the professional.")
@click.option("--org", "organisation", required=True, help="Organisation key (policy data).")
@click.option("--role", "roles", multiple=True, required=True, help="Role key; repeat for more.")
@click.option(
    "--db-user",
    help="PostgreSQL login this actor acts under when regie opens the database directly "
    "(operator maintenance; default: the actor id).",
)
@json_option
@pass_ctx
@handle_errors
def add(
    ctx: Context,
    actor_id: str,
    name: str,
    organisation: str,
    roles: tuple[str, ...],
    db_user: str | None,
    as_json: bool,
) -> None:
    """Register an actor. The very first actor registers itself and must be an administrator.

    \b
    Example:
      regie actor add beheer --name 'Beheerder' --org gemeente --role administrator
      REGIE_ACTOR=beheer regie actor add r.devries --name 'R. de Vries (regisseur)' \\
          --org gemeente --role regisseur --role uitvoeringscoordinator
    """
    from ledger import commands as c

    ledger = ctx.ledger()
    cmd = c.build(
        c.RegisterActor,
        handle=actor_id,
        display_name=name,
        organisation=organisation,
        roles=list(roles),
        db_user=db_user,
    )
    if ctx.through_server:  # the server has its first actor: registered on its machine
        actor = ledger.actors.add(cmd, ctx.acting())
    else:
        by = None if not ledger.app.has_actors() else ctx.acting()
        actor = ledger.actors.register_actor(cmd, by, ledger.database_user())
    if as_json:
        emit_json({"actor": actor.handle, "organisation": actor.organisation, "roles": actor.roles})
    else:
        echo(f"Registered actor {actor.handle} ({actor.organisation}; {', '.join(actor.roles)}).")


@command.command("list")
@json_option
@pass_ctx
@handle_errors
def list_(ctx: Context, as_json: bool) -> None:
    """List actors with organisation, roles and whether they are active.

    \b
    Example:
      regie actor list --json
    """
    rows = ctx.ledger().actors.actors(ctx.acting())
    if as_json:
        emit_json(rows)
        return
    table(
        "Actors",
        ["id", "name", "organisation", "roles", "active"],
        (
            (
                r["handle"],
                r["display_name"],
                r["organisation"],
                ", ".join(r["roles"]),
                "yes" if r["active"] else "no",
            )
            for r in rows
        ),
    )


@command.command("deactivate")
@click.argument("actor_id")
@click.option("--reason", required=True, help="Why the actor may no longer act.")
@json_option
@pass_ctx
@handle_errors
def deactivate(ctx: Context, actor_id: str, reason: str, as_json: bool) -> None:
    """Deactivate an actor: their history stays, they can no longer act.

    \b
    Example:
      regie actor deactivate r.devries --reason 'uit dienst per 2026-12-01'
    """
    from ledger import commands as c

    cmd = c.build(c.DeactivateActor, handle=actor_id, reason=reason)
    ctx.ledger().actors.deactivate_actor(cmd, ctx.acting())
    if as_json:
        emit_json({"actor": cmd.handle, "active": False})
    else:
        echo(f"Deactivated actor {cmd.handle}.")
