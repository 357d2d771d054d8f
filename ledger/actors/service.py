"""Register and deactivate actors; the very first one, an administrator, registers itself."""

from __future__ import annotations

from ledger import commands as c
from ledger.access.gate import Gate, gated
from ledger.application import Regie
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.actor import Actor, actor_id
from ledger.errors import Unauthorised
from ledger.projections.queries import Queries, Row


class Actors:
    def __init__(self, app: Regie, gate: Gate, queries: Queries) -> None:
        self.app = app
        self.gate = gate
        self.queries = queries

    @gated("actor.list")
    def actors(self, by: Acting) -> list[Row]:
        return self.queries.actors()

    def register_actor(
        self, cmd: c.RegisterActor, by: Acting | None, db_user: str | None = None
    ) -> Actor:
        """Register an actor; without ``by``, the bootstrap administrator of an empty ledger."""
        if by is None:
            return self._bootstrap(cmd, db_user)
        return self.add(cmd, by)

    @gated("actor.add")
    def add(self, cmd: c.RegisterActor, by: Acting) -> Actor:
        return self._register(cmd, by, bootstrap=False, db_user=None)

    def _bootstrap(self, cmd: c.RegisterActor, db_user: str | None) -> Actor:
        if self.app.has_actors():
            raise Unauthorised("only a registered actor can register others; set REGIE_ACTOR")
        if "administrator" not in cmd.roles:
            raise rules.BOOTSTRAP_ADMIN.refuse()
        by = Acting(cmd.handle, "administrator", cmd.organisation)
        return self._register(cmd, by, bootstrap=True, db_user=db_user)

    def _register(
        self, cmd: c.RegisterActor, by: Acting, *, bootstrap: bool, db_user: str | None
    ) -> Actor:
        self.app.check_key("organisation", cmd.organisation, self.app.policies.organisation_keys)
        for role in cmd.roles:
            self.app.check_key("role", role, self.app.policies.role_keys)
        if actor_id(cmd.handle) in self.app.repository:
            raise rules.ACTOR_EXISTS.refuse(f"an actor '{cmd.handle}' already exists")
        actor = Actor(
            handle=cmd.handle,
            display_name=cmd.display_name,
            organisation=cmd.organisation,
            roles=list(dict.fromkeys(cmd.roles)),
            bootstrap=bootstrap,
            db_user=cmd.db_user or (db_user if bootstrap and db_user else cmd.handle),
            by=by.record(),
        )
        self.app.commit(actor)
        return actor

    @gated("actor.deactivate")
    def deactivate_actor(self, cmd: c.DeactivateActor, by: Acting) -> None:
        actor = self.app.actor(cmd.handle)
        actor.deactivate(cmd.reason, by)
        self.app.commit(actor)
