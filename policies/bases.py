"""The law a provision rests on, as policy data: instruments and ad-hoc legal bases.

Cooperation creates no new legal basis; each partner provides on its own (000 L2044). So
the policy says which *kind of instrument* an organisation needs to provide under a
convenant (the police: a besluit under art. 20 Wpg; the OM: the Wjsg), and which *legal
bases* an organisation may name for a provision outside the convenant (000 L957-961), with
the special categories each may carry. The references are stored as text, never as logic.
"""

from __future__ import annotations

from pydantic import Field

from policies.model import _Strict

KEY = r"^[a-z0-9][a-z0-9-]*$"


class InstrumentKind(_Strict):
    """A kind of legal instrument a party attaches to a convenant, and who needs it."""

    key: str = Field(pattern=KEY)
    label: str = Field(min_length=1)
    required_for: list[str] = Field(min_length=1)
    """The organisations that provide under a convenant only by citing one of this kind."""
    source: str = Field(min_length=1)


class AdHocBasis(_Strict):
    """A legal basis of its own for a provision outside the convenant."""

    key: str = Field(pattern=KEY)
    label: str = Field(min_length=1)
    citation: str = Field(min_length=1)
    """The articles, as a letter or a register names them."""
    organisations: list[str] = Field(min_length=1)
    """The providing organisations that may rest a provision on it."""
    recipients: list[str] = Field(default_factory=list)
    """The only organisations it provides to; empty: any recipient."""
    special_categories: list[str] = Field(default_factory=list)
    """The special categories (AVG art. 9 and 10, the BSN) it may carry; ordinary
    categories go on any basis."""
    source: str = Field(min_length=1)

    def open_to(self, organisation: str) -> bool:
        return organisation in self.organisations

    def reaches(self, recipients: tuple[str, ...]) -> bool:
        return not self.recipients or all(r in self.recipients for r in recipients)
