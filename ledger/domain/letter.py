"""The information duty towards one youth (AVG art. 13/14): letters, delivery, deferral.

One aggregate per youth, its id derived from the youth's subject id, so the ledger finds
it without a read model. Events hold pseudonyms, dates, keys and content hashes only: no
names, no addresses. A deferral's motivation is sealed under the youth's own data key.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.letter_state import LetterState, check_decision, check_informing, fold
from ledger.durations import Duration

_NAMESPACE = uuid5(NAMESPACE_URL, "https://regie.invalid/letter")

ART14_5B, UAVG41 = "art14-5b", "uavg41"
GROUNDS = {
    ART14_5B: "AVG art. 14 lid 5 onder b: informeren zou het doel van de verwerking ernstig "
    "in gevaar brengen",
    UAVG41: "UAVG art. 41: noodzakelijk voor onder meer de voorkoming en opsporing van "
    "strafbare feiten",
}
HANDED, SENT = "overhandigd", "verzonden"
HOWS = ("brief", "huisgesprek", "telefoon", "via-partner")
"""How informing happened (AVG art. 14 is vormvrij, 000 L1553-1561, L280-282)."""
FORMATS = ("pdf", "txt", "md")


def letter_id(subject_id: str) -> UUID:
    """The letter aggregate of a youth: the same id for the same subject, always."""
    return uuid5(_NAMESPACE, str(UUID(subject_id)))


class Letter(Aggregate):
    class Opened(Aggregate.Created):
        class_version = 1

        subject_id: str
        by: dict[str, Any]

    @event(Opened)
    def __init__(self, subject_id: str, by: dict[str, Any]) -> None:
        self.subject_id = subject_id
        self.history: list[dict[str, Any]] = []

    @classmethod
    def create_id(cls, subject_id: str, **_: Any) -> UUID:
        return letter_id(subject_id)

    # -- the state on a day ---------------------------------------------------------------

    def state(self, as_of: date | None = None) -> LetterState:
        """Fold the history recorded so far, counting only what is dated on or before
        ``as_of`` (everything when None)."""
        return fold(self.history, as_of.isoformat() if as_of is not None else None)

    @property
    def rounds(self) -> int:
        return max((e["round"] for e in self.history if e["kind"] == "generated"), default=0)

    # -- generation -----------------------------------------------------------------------

    class Generated(Aggregate.Event):
        """Version 2 records ``policy_hash``: the policy set that judged it (decision 0022);
        letters recorded before carry None. Version 3 records ``personal``: the letter's
        personal paragraph, sealed under the youth's key (None when it had none)."""

        class_version = 3

        round: int
        addressee: str
        addressee_kind: str
        format: str
        content_sha256: str
        generated_on: str
        policy_hash: str | None
        personal: dict[str, str] | None
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["policy_hash"] = None

        @staticmethod
        def upcast_v2_v3(state: dict[str, Any]) -> None:
            state["personal"] = None

        def apply(self, letter: Letter) -> None:
            letter.history.append(
                {
                    "kind": "generated",
                    "round": self.round,
                    "addressee": self.addressee,
                    "addressee_kind": self.addressee_kind,
                    "format": self.format,
                    "content_sha256": self.content_sha256,
                    "policy_hash": self.policy_hash,
                    "on": self.generated_on,
                    "by": self.by["actor"],
                }
            )

    def generate(
        self,
        letters: list[tuple[str, str, str, str]],
        generated_on: str,
        by: Acting,
        *,
        policy_hash: str | None = None,
        personal: dict[str, str] | None = None,
    ) -> int:
        """Record one round: (addressee pseudonym, addressee kind, format, sha256) each."""
        if self.state().deferral is not None:
            raise rules.LETTER_DEFERRED.refuse()
        number = self.rounds + 1
        for addressee, kind, fmt, digest in letters:
            self.trigger_event(
                self.Generated,
                round=number,
                addressee=addressee,
                addressee_kind=kind,
                format=fmt,
                content_sha256=digest,
                generated_on=generated_on,
                policy_hash=policy_hash,
                personal=personal,
                by=by.record(),
            )
        return number

    # -- delivery -------------------------------------------------------------------------

    class Delivered(Aggregate.Event):
        class_version = 1

        round: int
        addressee: str
        delivered_on: str
        how: str
        by: dict[str, Any]

        def apply(self, letter: Letter) -> None:
            letter.history.append(
                {
                    "kind": "delivered",
                    "round": self.round,
                    "addressee": self.addressee,
                    "how": self.how,
                    "on": self.delivered_on,
                    "by": self.by["actor"],
                }
            )

    def deliver(self, addressee: str, delivered_on: str, how: str, by: Acting) -> None:
        state = self.state()
        if state.deferral is not None:
            raise rules.LETTER_DEFERRED.refuse()
        letter = state.letters.get(addressee)
        if letter is None:
            raise rules.LETTER_GENERATE_FIRST.refuse(
                f"no letter was generated for addressee {addressee}; generate it with "
                "`regie letters generate`"
            )
        if letter.get("delivered_on"):
            raise rules.LETTER_DELIVERED_ONCE.refuse(
                f"the letter to {addressee} was already recorded as {letter['how']} "
                f"on {letter['delivered_on']}"
            )
        if delivered_on < letter["on"]:
            raise rules.LETTER_DELIVERY_DATE.refuse(
                f"the letter to {addressee} was generated on {letter['on']}"
            )
        self.trigger_event(
            self.Delivered,
            round=state.round,
            addressee=addressee,
            delivered_on=delivered_on,
            how=how,
            by=by.record(),
        )

    # -- informing as practised ----------------------------------------------------------

    class Informed(Aggregate.Event):
        """One addressee informed, however: by letter, at the home conversation, by phone
        or through a partner (vormvrij). ``told`` is what was said, sealed; the letter's
        hash links a generated letter handed over or sent during that contact."""

        class_version = 1

        addressee: str
        addressee_kind: str
        how: str
        informed_on: str
        informed_by_org: str
        letter_sha256: str | None
        told: dict[str, str] | None
        by: dict[str, Any]

        def apply(self, letter: Letter) -> None:
            letter.history.append(
                {
                    "kind": "informed",
                    "addressee": self.addressee,
                    "addressee_kind": self.addressee_kind,
                    "how": self.how,
                    "on": self.informed_on,
                    "org": self.informed_by_org,
                    "letter_sha256": self.letter_sha256,
                    "by": self.by["actor"],
                    "role": self.by["role"],
                }
            )

    def inform(
        self,
        addressee: tuple[str, str],
        how: str,
        informed_on: str,
        by_org: str,
        with_letter: bool,
        told: dict[str, str] | None,
        by: Acting,
    ) -> str | None:
        """Record that (pseudonym, kind) was informed; returns the linked letter's hash."""
        pseudonym, kind = addressee
        digest = check_informing(self.state(), pseudonym, informed_on, with_letter)
        self.trigger_event(
            self.Informed,
            addressee=pseudonym,
            addressee_kind=kind,
            how=how,
            informed_on=informed_on,
            informed_by_org=by_org,
            letter_sha256=digest,
            told=told,
            by=by.record(),
        )
        return digest

    # -- deferral -------------------------------------------------------------------------

    class Deferred(Aggregate.Event):
        """Version 2 records ``pending``: the deferral awaits the privacy officer's
        confirmation (UAVG art. 41). Deferrals recorded before took effect at once."""

        class_version = 2

        ground: str
        reason: dict[str, str]
        review_date: str
        deferred_on: str
        pending: bool
        by: dict[str, Any]

        @staticmethod
        def upcast_v1_v2(state: dict[str, Any]) -> None:
            state["pending"] = False

        def apply(self, letter: Letter) -> None:
            letter.history.append(
                {
                    "kind": "deferred",
                    "ground": self.ground,
                    "review_date": self.review_date,
                    "on": self.deferred_on,
                    "by": self.by["actor"],
                    "role": self.by["role"],
                    "pending": self.pending,
                }
            )

    def defer(
        self,
        ground: str,
        sealed_reason: dict[str, str],
        review_date: date,
        deferred_on: str,
        max_review: Duration,
        by: Acting,
        *,
        pending: bool = False,
    ) -> None:
        """Defer (or, while deferred, extend) the information duty until a review date;
        ``pending`` when the ground needs the privacy officer's confirmation first."""
        if self.state().delivered_all:
            raise rules.LETTER_INFORMED.refuse()
        decided = date.fromisoformat(deferred_on)
        latest = max_review.after(decided)
        if not decided < review_date <= latest:
            raise rules.LETTER_REVIEW_DATE.refuse(
                f"the review date must lie after {deferred_on} and no later than "
                f"{latest.isoformat()}"
            )
        self.trigger_event(
            self.Deferred,
            ground=ground,
            reason=sealed_reason,
            review_date=review_date.isoformat(),
            deferred_on=deferred_on,
            pending=pending,
            by=by.record(),
        )

    @property
    def deferrals(self) -> int:
        """How many sealed deferral texts were recorded: each gets its own seal label."""
        kinds = ("deferred", "resumed", "confirmed", "rejected")
        return sum(1 for e in self.history if e["kind"] in kinds)

    class DeferralConfirmed(Aggregate.Event):
        class_version = 1

        reason: dict[str, str]
        confirmed_on: str
        by: dict[str, Any]

        def apply(self, letter: Letter) -> None:
            letter.history.append(
                {"kind": "confirmed", "on": self.confirmed_on, "by": self.by["actor"]}
            )

    class DeferralRejected(Aggregate.Event):
        class_version = 1

        reason: dict[str, str]
        rejected_on: str
        by: dict[str, Any]

        def apply(self, letter: Letter) -> None:
            letter.history.append(
                {"kind": "rejected", "on": self.rejected_on, "by": self.by["actor"]}
            )

    def decide_deferral(
        self, confirm: bool, sealed_reason: dict[str, str], on: str, by: Acting
    ) -> None:
        """The privacy officer's second decision on a pending deferral: confirm or reject.
        Whoever deferred cannot decide it (four eyes)."""
        check_decision(self.state().pending, on, by)
        if confirm:
            self.trigger_event(
                self.DeferralConfirmed, reason=sealed_reason, confirmed_on=on, by=by.record()
            )
        else:
            self.trigger_event(
                self.DeferralRejected, reason=sealed_reason, rejected_on=on, by=by.record()
            )

    class Resumed(Aggregate.Event):
        class_version = 1

        reason: dict[str, str]
        resumed_on: str
        by: dict[str, Any]

        def apply(self, letter: Letter) -> None:
            letter.history.append(
                {"kind": "resumed", "on": self.resumed_on, "by": self.by["actor"]}
            )

    def resume(self, sealed_reason: dict[str, str], resumed_on: str, by: Acting) -> None:
        """Lift the deferral in force, or withdraw one still awaiting confirmation."""
        state = self.state()
        deferral = state.deferral or state.pending
        if deferral is None:
            raise rules.LETTER_NOT_DEFERRED.refuse()
        if resumed_on < deferral["on"]:
            raise rules.LETTER_NOT_DEFERRED.refuse(
                f"the information duty was deferred on {deferral['on']}, not before"
            )
        self.trigger_event(
            self.Resumed, reason=sealed_reason, resumed_on=resumed_on, by=by.record()
        )
