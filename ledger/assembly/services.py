"""The services of a ledger, each built (and its module imported) when first used.

A command imports only the services it calls, so `regie case show` does not pay for the
letters, the retention engine or the overview's charts (docs/architecture.md, "Start-up").
:class:`ledger.bootstrap.Ledger` builds the shared core eagerly and inherits these.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ledger.access.gate import AccessLog, Gate
    from ledger.access.identification import FailedIdentifications
    from ledger.actors.service import Actors
    from ledger.application import Regie
    from ledger.audit.service import LogAudit
    from ledger.cases.group import Group
    from ledger.cases.service import Cases
    from ledger.crypto.keystore import KeyStore
    from ledger.crypto.seal import Sealer
    from ledger.letters.findings import LetterFindings
    from ledger.letters.service import Letters
    from ledger.meetings.service import Meetings
    from ledger.monitoring.service import Monitoring
    from ledger.operations.integrity import Integrity
    from ledger.operations.service import Operations
    from ledger.persons.service import Persons
    from ledger.privacy.service import PrivacyAudit
    from ledger.projections.queries import Queries
    from ledger.projections.runner import Projections
    from ledger.retention.destructions import Destructions
    from ledger.retention.service import Retention
    from ledger.rights.service import Rights
    from ledger.sharing.service import Sharing
    from ledger.tokens.service import Tokens
    from ledger.workbench.checklists import Checklists
    from ledger.workbench.overview import Overview
    from ledger.workbench.plandoc.service import PlanDocuments
    from ledger.workbench.reminders import Reminders


class Services:
    """Lazily built services over the core a subclass sets up in its ``__init__``."""

    app: Regie
    gate: Gate
    queries: Queries
    projections: Projections
    access_log: AccessLog
    audit_log: LogAudit
    integrity: Integrity
    rotate_master_key: Callable[[], dict[str, object]]

    @property
    def sealer(self) -> Sealer:
        raise NotImplementedError

    @property
    def keystore(self) -> KeyStore:
        raise NotImplementedError

    SERVICES = (
        "actors", "persons", "group", "cases", "operations", "sharing", "retention",
        "privacy", "letters", "tokens", "reminders", "checklists", "overview", "rights",
        "plan_documents", "meetings", "monitoring", "identifications",
    )  # fmt: skip

    def load_services(self) -> None:
        """Build every service now: a server does, before its threads share them."""
        for name in self.SERVICES:
            getattr(self, name)

    @cached_property
    def actors(self) -> Actors:
        from ledger.actors.service import Actors

        return Actors(self.app, self.gate, self.queries)

    @cached_property
    def persons(self) -> Persons:
        from ledger.persons.service import Persons

        return Persons(self.app, self.queries, lambda: self.sealer, self.gate, self.access_log)

    @cached_property
    def group(self) -> Group:
        from ledger.cases.group import Group

        return Group(self.persons)

    @cached_property
    def cases(self) -> Cases:
        from ledger.cases.service import Cases

        cases = Cases(self.app, self.gate, self.queries, self.group)
        cases.agreed_term_check = lambda term: self.retention.check_agreed_term(term)
        return cases

    @cached_property
    def operations(self) -> Operations:
        from ledger.operations.service import Operations

        return Operations(
            self.gate, self.audit_log, self.projections, self.rotate_master_key, self.integrity
        )

    @cached_property
    def sharing(self) -> Sharing:
        from ledger.sharing.service import Sharing

        return Sharing(self.app, self.queries, self.persons)

    @cached_property
    def retention(self) -> Retention:
        from ledger.retention.service import Retention

        retention = Retention(
            self.app, self.queries, lambda: self.keystore, lambda: self.sealer, self.gate
        )
        retention.checkpoint_line = self.integrity.document_line
        retention.resolve_subject = self.persons.resolve
        return retention

    @cached_property
    def destructions(self) -> Destructions:
        """Recorded erasures and purges against the key store (decision 0019)."""
        if "retention" in self.__dict__:
            return self.retention.destructions
        from ledger.retention.destructions import Destructions

        return Destructions(self.queries, lambda: self.keystore)

    @cached_property
    def privacy(self) -> PrivacyAudit:
        from ledger.privacy.service import PrivacyAudit

        privacy = PrivacyAudit(
            self.app,
            self.queries,
            self.persons,
            self.sharing,
            self.gate,
            self.access_log,
            self.destructions,
        )
        privacy.delivery_problems = self.integrity.delivery_problems
        privacy.checkpoint_line = self.integrity.document_line
        privacy.rights_requests = lambda subject: self.rights.of_subject(subject)
        privacy.detectors.letter_findings = lambda: self.letter_findings.all()
        return privacy

    @cached_property
    def letters(self) -> Letters:
        from ledger.letters.service import Letters

        letters = Letters(
            self.app, self.queries, self.persons, self.sharing, self.gate, self.access_log
        )
        letters.content.checkpoint_line = self.integrity.document_line
        return letters

    @cached_property
    def letter_findings(self) -> LetterFindings:
        from ledger.letters.findings import LetterFindings

        return LetterFindings(self.letters.status)

    @cached_property
    def identifications(self) -> FailedIdentifications:
        """Failed identifications, logged with what is known and bounded a day (0044)."""
        from ledger.access.identification import FailedIdentifications

        return FailedIdentifications(self.app, self.queries, self.access_log)

    @cached_property
    def tokens(self) -> Tokens:
        from ledger.tokens.service import Tokens

        tokens = Tokens(self.app, self.gate, self.queries, self.access_log)
        tokens.failed = self.identifications.record
        return tokens

    @cached_property
    def reminders(self) -> Reminders:
        from ledger.workbench.reminders import Reminders

        return Reminders(self.app, self.gate, self.queries, self.letters)

    @cached_property
    def checklists(self) -> Checklists:
        from ledger.workbench.checklists import Checklists

        return Checklists(self.app, self.gate, self.queries)

    @cached_property
    def overview(self) -> Overview:
        from ledger.workbench.overview import Overview

        overview = Overview(self.app, self.gate, self.queries, self.letters)
        overview.checkpoint_line = self.integrity.document_line
        return overview

    @cached_property
    def rights(self) -> Rights:
        from ledger.rights.service import Rights

        return Rights(self.app, self.queries, self.persons, self.gate, self.access_log)

    @cached_property
    def plan_documents(self) -> PlanDocuments:
        from ledger.workbench.plandoc.service import PlanDocuments

        documents = PlanDocuments(self.app, self.gate, self.group)
        documents.checkpoint_line = self.integrity.document_line
        return documents

    @cached_property
    def meetings(self) -> Meetings:
        from ledger.meetings.service import Meetings

        return Meetings(self.app, self.gate, self.queries, self.access_log, lambda: self.sealer)

    @cached_property
    def monitoring(self) -> Monitoring:
        from ledger.monitoring.service import Monitoring

        return Monitoring(self.app, self.gate, self.queries, self.access_log, lambda: self.sealer)
