"""Provisions used again inside the ledger (a plan action), judged by the provenance rules
of an onward provision (decision 0032)."""

from __future__ import annotations

from policies.sharing import (
    CHECKS,
    CaseFacts,
    Context,
    Refusal,
    ShareRequest,
    SharingFile,
    Verdict,
)

REUSE_CHECKS = frozenset({"source-received-by-provider", "purpose-compatible-or-assessed"})
"""The checks that judge data used again inside the ledger (a plan action), not provided."""


def judge_reuse(rules: SharingFile, request: ShareRequest, origins: dict[str, str]) -> Verdict:
    """The rules of :data:`REUSE_CHECKS` on a use of ``request.source`` by
    ``request.from_org`` for ``request.purpose``: the same rules as for an onward provision."""
    context = Context(
        request=request,
        case=CaseFacts(step=0, coordinator=False, namenlijst=False),
        convenant=None,
        special_categories=frozenset(),
        om_organisation=rules.om_organisation,
        criminal_category=rules.criminal_category,
        origins=origins,
    )
    return Verdict(
        tuple(
            Refusal(rule.id, rule.text, rule.source)
            for rule in rules.rule
            if rule.check in REUSE_CHECKS and not CHECKS[rule.check](context)
        )
    )
