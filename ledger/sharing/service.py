"""Convenants and sharing decisions: gather the facts, let the policy engine judge, record.

Every sharing decision is recorded, allowed or refused; a refusal carries the ids of
every rule that refused it and the command exits 1 with those reasons in plain words.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eventsourcing.application import AggregateNotFoundError
from sqlalchemy import select

from ledger import commands as c
from ledger.access.gate import gated
from ledger.application import Regie
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.convenant import Convenant, convenant_id
from ledger.domain.share import PROVIDED, REFUSED, Share
from ledger.errors import BadInput, NotFound
from ledger.persons.service import Persons
from ledger.projections import tables as t
from ledger.projections.queries import Queries
from ledger.sharing.case_facts import case_then, facts_of
from ledger.sharing.convenantfile import load_convenant, parse_convenant
from ledger.sharing.refused import ShareRefused as ShareRefused
from ledger.sharing.requests import Verzoeken
from ledger.sharing.reuse import Hergebruik
from ledger.sharing.rows import share_row as share_row
from ledger.sharing.verdicts import Verdicts
from policies.provenance import SourceFacts
from policies.sharing import (
    Context,
    ConvenantFacts,
    ShareRequest,
    Verdict,
    evaluate,
)


class Sharing(Verzoeken, Verdicts, Hergebruik):
    def __init__(self, app: Regie, queries: Queries, persons: Persons) -> None:
        self.app = app
        self.queries = queries
        self.persons = persons
        self.gate = persons.gate

    # -- convenants ---------------------------------------------------------------------

    def convenant(self, key: str) -> Convenant:
        try:
            aggregate: object = self.app.repository.get(convenant_id(key))
        except AggregateNotFoundError:
            raise NotFound(f"there is no convenant '{key}'; see `regie convenant list`") from None
        if not isinstance(aggregate, Convenant):
            raise NotFound(f"there is no convenant '{key}'; see `regie convenant list`")
        return aggregate

    @gated("convenant.add")
    def add_convenant(self, key: str, path: Path, by: Acting) -> Convenant:
        return self._add(key, load_convenant(path, self.app.policies), by)

    @gated("convenant.add")
    def add_convenant_toml(
        self, key: str, toml: str, by: Acting, source: str = "convenant"
    ) -> Convenant:
        """Record a new convenant from its TOML text (a client sends its file's content)."""
        return self._add(key, parse_convenant(toml, self.app.policies, source), by)

    def _add(self, key: str, content: dict[str, Any], by: Acting) -> Convenant:
        key = c.build(c.SignConvenant, convenant=key, party="x", signer="x").convenant
        if convenant_id(key) in self.app.repository:
            raise rules.CONVENANT_EXISTS.refuse(
                f"convenant '{key}' exists; amend it with `regie convenant amend`"
            )
        convenant = Convenant(key=key, content=content, by=by.record())
        self.app.commit(convenant)
        return convenant

    @gated("convenant.amend")
    def amend_convenant(self, key: str, path: Path, by: Acting) -> int:
        return self._amend(key, load_convenant(path, self.app.policies), by)

    @gated("convenant.amend")
    def amend_convenant_toml(
        self, key: str, toml: str, by: Acting, source: str = "convenant"
    ) -> int:
        """A new version from its TOML text (a client sends its file's content)."""
        return self._amend(key, parse_convenant(toml, self.app.policies, source), by)

    def _amend(self, key: str, content: dict[str, Any], by: Acting) -> int:
        convenant = self.convenant(key)
        version = convenant.amend(content, by)
        self.app.commit(convenant)
        return version

    @gated("convenant.sign")
    def sign_convenant(self, cmd: c.SignConvenant, by: Acting) -> int:
        convenant = self.convenant(cmd.convenant)
        version = cmd.version or convenant.current_version
        convenant.sign(version, cmd.party, cmd.signer, self.app.day(cmd.signed_on), by)
        self.app.commit(convenant)
        return version

    @gated("convenant.show")
    def convenant_view(self, key: str, by: Acting, version: int | None = None) -> dict[str, Any]:
        convenant = self.convenant(key)
        number = version or convenant.current_version
        content = convenant.content_of(number)
        return {
            "convenant": convenant.key,
            "version": number,
            "versions": convenant.current_version,
            **content,
            "signatures": convenant.signatures[number - 1],
        }

    @gated("convenant.list")
    def convenants(self, by: Acting) -> list[dict[str, Any]]:
        self.queries.projections.catch_up()
        with self.queries.store.read() as conn:
            rows = [
                dict(r)
                for r in conn.execute(select(t.convenants).order_by(t.convenants.c.key)).mappings()
            ]
            signed: dict[tuple[str, int], list[str]] = {}
            for cid, version, party in conn.execute(
                select(
                    t.convenant_signatures.c.convenant_id,
                    t.convenant_signatures.c.version,
                    t.convenant_signatures.c.party,
                )
            ):
                signed.setdefault((cid, version), []).append(party)
            validity = {
                (r.convenant_id, r.version): (r.valid_from, r.valid_until)
                for r in conn.execute(select(t.convenant_versions))
            }
        return [
            {
                "convenant": r["key"],
                "name": r["name"],
                "version": r["versions"],
                "valid_from": validity[(r["convenant_id"], r["versions"])][0],
                "valid_until": validity[(r["convenant_id"], r["versions"])][1],
                "signed_by": sorted(signed.get((r["convenant_id"], r["versions"]), [])),
            }
            for r in rows
        ]

    # -- shares -------------------------------------------------------------------------

    def _check_keys(self, cmd: c.RecordShare) -> None:
        policies = self.app.policies
        for org in (cmd.from_org, *cmd.to_orgs):
            self.app.check_key("organisation", org, policies.organisation_keys)
        for category in cmd.categories:
            self.app.check_key("data category", category, policies.categories)
        if cmd.meeting is not None:
            self.app.check_key("meeting", cmd.meeting, policies.deciding_bodies)
        if cmd.convenant is None and cmd.legal_basis is None:
            raise BadInput(
                "name the basis: --convenant KEY --article ART, "
                "or --legal-basis for an ad-hoc share"
            )
        if cmd.convenant is not None and cmd.legal_basis is not None:
            raise BadInput("a share rests on a convenant or on an ad-hoc legal basis, not both")
        if cmd.convenant is not None and cmd.article is None:
            raise BadInput("a share under a convenant names its article (--article)")
        if cmd.convenant is None and cmd.instrument is not None:
            raise BadInput(
                "an ad-hoc share rests on its own legal basis (--legal-basis);"
                " --instrument cites an instrument of a convenant"
            )
        if cmd.legal_basis is not None:
            allowed = policies.sharing.bases_for(cmd.from_org)
            if cmd.legal_basis not in allowed:
                raise BadInput(
                    f"--legal-basis is not an ad-hoc basis '{cmd.from_org}' may use; "
                    + (f"choose one of: {', '.join(allowed)}" if allowed else "it has none")
                    + " (policies sharing.toml [[ad_hoc_basis]])"
                )

    def cited(self, cmd: c.RecordShare) -> tuple[ConvenantFacts | None, int | None]:
        """The convenant version a share cites, and its number; the article must be in its
        matrix (rule share.article, nothing written)."""
        if cmd.convenant is None:
            return None, None
        convenant = self.convenant(cmd.convenant)
        version = cmd.convenant_version or convenant.current_version
        facts = ConvenantFacts(
            content=convenant.content_of(version),
            signed={p: s["signed_on"] for p, s in convenant.signatures[version - 1].items()},
        )
        if cmd.article not in facts.articles:
            raise rules.SHARE_ARTICLE.refuse(
                f"convenant '{convenant.key}' version {version} has no article '{cmd.article}'"
                f" in its sharing matrix; its articles: {', '.join(facts.articles) or 'none'}"
            )
        return facts, version

    @gated("share.add")
    def record_share(self, cmd: c.RecordShare, by: Acting) -> str:
        """A provision by the providing organisation itself (else: `request_share`)."""
        self._check_keys(cmd)
        if by.organisation != cmd.from_org:
            raise rules.SHARE_PROVIDER.refuse(
                f"a provision from '{cmd.from_org}' is recorded by an actor of '{cmd.from_org}';"
                " the regisseur records a request (`regie share request`)"
            )
        if cmd.om_conditions:
            raise BadInput("the OM's conditions are recorded with a request (`share request`)")
        share, verdict = self.judged(cmd, by)
        self.app.commit(share)
        if not verdict.allowed:
            raise ShareRefused(str(share.id), verdict)
        return str(share.id)

    def judged(
        self,
        cmd: c.RecordShare,
        by: Acting,
        sealed_necessity: str | None = None,
        requested: dict[str, Any] | None = None,
        sealed_compatibility: str | None = None,
    ) -> tuple[Share, Verdict]:
        """The decision on a provision as the sharing rules judge it, not yet committed.
        ``requested`` links a confirmed request: its id and who asked."""
        case = self.app.case(cmd.case)
        subjects = sorted({self.persons.resolve(s) for s in cmd.subjects})
        known = case.members.keys() | case.former_members
        strangers = [s for s in subjects if s not in known]
        if strangers:
            raise BadInput("a share can only be about (former) members of the case")
        convenant_facts, version = self.cited(cmd)
        day = self.app.day(cmd.decided_on)
        source_id, source = self._source(cmd.source, case.ref) if cmd.source else (None, None)
        then = case_then(self.app, case, day)  # judged on its date, not today (0030)
        request = ShareRequest(
            from_org=cmd.from_org,
            to_orgs=tuple(sorted(set(cmd.to_orgs))),
            subjects=tuple(subjects),
            categories=tuple(sorted(set(cmd.categories))),
            purpose=cmd.purpose,
            on=day,
            convenant=cmd.convenant,
            convenant_version=version,
            article=cmd.article,
            legal_basis=cmd.legal_basis,
            necessity=cmd.necessity,
            meeting=cmd.meeting,
            source=source,
            compatibility=cmd.compatibility is not None,
            instrument=cmd.instrument,
        )
        policies = self.app.policies
        verdict = evaluate(
            policies.sharing,
            Context(
                request=request,
                case=facts_of(then),
                convenant=convenant_facts,
                special_categories=policies.special_categories,
                om_organisation=policies.sharing.om_organisation,
                criminal_category=policies.sharing.criminal_category,
                origins=policies.sharing.origin,
                instrument_kinds=tuple(policies.sharing.instrument_kind),
                ad_hoc_bases=tuple(policies.sharing.ad_hoc_basis),
            ),
        )
        share_id = Share.new_id()
        share = Share(
            share_id=share_id,
            case=case.ref,
            step=then.step,
            request={
                "from_org": request.from_org,
                "to_orgs": list(request.to_orgs),
                "named_recipients": list(cmd.named_recipients),
                "subjects": list(request.subjects),
                "categories": list(request.categories),
                "purpose": request.purpose,
                "on": day,
                "convenant": request.convenant,
                "convenant_version": version,
                "article": request.article,
                "legal_basis": request.legal_basis,
                "necessity": sealed_necessity
                or self.app.sealed_record(case.id, "necessity", request.necessity),
                "meeting": request.meeting,
                "instrument": request.instrument,
                **({"requested": requested} if requested else {}),
                **({"source": source_id} if source_id else {}),
                **(
                    {
                        "compatibility": sealed_compatibility
                        or self.app.sealed_record(case.id, "compatibility", text)
                    }
                    if (text := cmd.compatibility)
                    else {}
                ),
            },
            outcome=PROVIDED if verdict.allowed else REFUSED,
            refusals=[
                {"rule": r.rule, "text": r.text, "source": r.source} for r in verdict.refusals
            ],
            ad_hoc=request.ad_hoc,
            policy_hash=self.app.policies.policy_hash,
            by=by.record(),
        )
        return share, verdict

    def _source(self, ref: str, case_ref: str) -> tuple[str, SourceFacts]:
        """The provision an onward provision passes on, as the rules judge its reuse."""
        share = self._share(ref)
        r = share.request
        return str(share.id), SourceFacts(
            provided=share.outcome == PROVIDED,
            same_case=share.case == case_ref,
            to_orgs=tuple(r["to_orgs"]),
            subjects=tuple(r["subjects"]),
            categories=tuple(r["categories"]),
            purpose=r["purpose"],
        )

    def _share(self, ref: str) -> Share:
        prefix = c.id_prefix(ref, "share")
        matches = self.queries.ids_starting(t.shares.c.share_id, prefix)
        share_id = c.one_match(matches, prefix, "share", "regie share list")
        return self.app.get_as(
            share_id, Share, f"no share starts with '{prefix}'; see `regie share list`"
        )

    @gated("share.list", case="case_ref")
    def shares(
        self, by: Acting, case_ref: str | None = None, outcome: str | None = None
    ) -> list[dict[str, Any]]:
        return self.share_rows(case_ref, outcome)

    def share_rows(
        self, case_ref: str | None = None, outcome: str | None = None
    ) -> list[dict[str, Any]]:
        """Every share (or those of one case / outcome), for the services that judge them."""
        query = select(t.shares).order_by(t.shares.c.decided_on, t.shares.c.recorded_at)
        if case_ref:
            query = query.where(t.shares.c.case_ref == case_ref.upper())
        if outcome:
            query = query.where(t.shares.c.outcome == outcome)
        self.queries.projections.catch_up()
        with self.queries.store.read() as conn:
            rows = [dict(r) for r in conn.execute(query).mappings()]
        return [share_row(r) for r in rows]
