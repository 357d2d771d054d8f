"""Convenants: the agreements that record which data may go where, on which basis.

A convenant creates no legal basis of its own (000 L595-601); it records each party's
basis and the sharing matrix. Amending makes a new version; old versions and their
signatures stay, because a share is judged against the version it cited.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting

_NAMESPACE = uuid5(NAMESPACE_URL, "https://regie.invalid/convenant")


def convenant_id(key: str) -> UUID:
    return uuid5(_NAMESPACE, key.lower())


class Convenant(Aggregate):
    class Drafted(Aggregate.Created):
        class_version = 1

        key: str
        content: dict[str, Any]
        by: dict[str, Any]

    @event(Drafted)
    def __init__(self, key: str, content: dict[str, Any], by: dict[str, Any]) -> None:
        self.key = key
        self.versions: list[dict[str, Any]] = [content]
        self.signatures: list[dict[str, dict[str, str]]] = [{}]

    @classmethod
    def create_id(cls, key: str, **_: Any) -> UUID:
        return convenant_id(key)

    @property
    def current_version(self) -> int:
        return len(self.versions)

    def content_of(self, number: int) -> dict[str, Any]:
        if not 1 <= number <= len(self.versions):
            raise rules.CONVENANT_VERSION.refuse(
                f"convenant {self.key} has versions 1..{len(self.versions)}, not {number}"
            )
        return self.versions[number - 1]

    class Amended(Aggregate.Event):
        class_version = 1

        version: int
        content: dict[str, Any]
        by: dict[str, Any]

        def apply(self, convenant: Convenant) -> None:
            convenant.versions.append(self.content)
            convenant.signatures.append({})

    def amend(self, content: dict[str, Any], by: Acting) -> int:
        version = len(self.versions) + 1
        self.trigger_event(self.Amended, version=version, content=content, by=by.record())
        return version

    class Signed(Aggregate.Event):
        class_version = 1

        version: int
        party: str
        signer: str
        signed_on: str
        by: dict[str, Any]

        def apply(self, convenant: Convenant) -> None:
            convenant.signatures[self.version - 1][self.party] = {
                "signer": self.signer,
                "signed_on": self.signed_on,
            }

    def sign(self, version: int, party: str, signer: str, signed_on: str, by: Acting) -> None:
        content = self.content_of(version)
        if party not in {p["organisation"] for p in content["party"]}:
            raise rules.CONVENANT_PARTY.refuse(
                f"'{party}' is not a party to version {version} of convenant {self.key}"
            )
        if party in self.signatures[version - 1]:
            raise rules.CONVENANT_PARTY.refuse(
                f"'{party}' already signed version {version} of convenant {self.key}"
            )
        self.trigger_event(
            self.Signed,
            version=version,
            party=party,
            signer=signer,
            signed_on=signed_on,
            by=by.record(),
        )

    def signed_by(self, version: int, party: str, on: str) -> bool:
        """Whether ``party`` had signed ``version`` on date ``on`` (ISO)."""
        signature = self.signatures[version - 1].get(party)
        return signature is not None and signature["signed_on"] <= on
