"""Rectification (AVG art. 16): replace a sealed field so that the old value is gone.

A subject's data key is per category, not per field: name, date of birth and address
share the ``identificatie`` key. So the old value cannot lose its key alone. Instead the
category gets a new key *generation* (decision 0031): the new value and every other
value of the subject under the old key are sealed under the next generation and recorded
in one ``Subject.Rectified`` event; only then is the old generation destroyed. Old events
keep their ciphertext, which now reads ``[gewist]``; the survivors read from the new event.
As with erasure (decisions 0010, 0019) the record comes first: a crash before the
destruction is finished by the next write, and reported as a finding until then.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ledger.access.gate import AccessLog, Seen
from ledger.access.purposes import DEFAULT_PURPOSE
from ledger.application import Regie
from ledger.commands import NAME_MAX, valid_bsn
from ledger.crypto.seal import Sealed, Sealer, key_slot
from ledger.domain import rules
from ledger.domain.acting import Acting
from ledger.domain.rights_request import RightsRequest
from ledger.domain.subject import IDENTIFICATION, Subject
from ledger.errors import BadInput
from ledger.persons.service import BSN, Persons
from ledger.rights.commands import RectifyField

ADDRESS_MAX = 400


def check_request(request: RightsRequest, subject: Subject, kind: str) -> None:
    """A linked request is a pending rectification request of this very subject."""
    if request.subject != str(subject.id) or request.kind != kind or not request.pending:
        raise rules.RECTIFY_REQUEST.refuse(
            f"request {request.ref} is not a pending {kind} request of {subject.short}"
        )


def checked_value(field: str, text: str, today: date) -> Any:
    """The new value as it is sealed; the messages never repeat it (personal data)."""
    if field == "date_of_birth":
        try:
            born = date.fromisoformat(text)
        except ValueError:
            raise BadInput("--value: a date of birth is a date such as 2010-04-01") from None
        if born > today:
            raise BadInput("--value: a date of birth cannot lie in the future")
        return born.isoformat()
    if field == "bsn" and not valid_bsn(text):
        raise BadInput("--value: the BSN must be nine digits that pass the elfproef")
    limit = NAME_MAX if field == "name" else ADDRESS_MAX
    if len(text) > limit:
        raise BadInput(f"--value: at most {limit} characters for the {field}")
    return text


def rectify(
    app: Regie,
    persons: Persons,
    log: AccessLog,
    subject: Subject,
    cmd: RectifyField,
    request: RightsRequest | None,
    by: Acting,
    requests: list[RightsRequest],
) -> dict[str, Any]:
    """``requests``: the subject's rights requests, whose texts may share the old key."""
    subject.require_not_erased()
    category = BSN if cmd.field == "bsn" else IDENTIFICATION
    value = checked_value(cmd.field, cmd.value, app.clock())
    cases = persons.may_handle(subject, by, "subject.rectify", (category,))
    sealer, subject_id = persons.sealer, str(subject.id)
    old = subject.fields.get(cmd.field)
    retired = key_slot(old) if old is not None else None
    keystore = sealer.keystore
    slot = (
        keystore.next_slot(subject_id, category)
        if retired is not None
        else keystore.current_slot(subject_id, category)
    )
    fields, notes = _resealed(sealer, subject, cmd.field, retired, slot)
    fields[cmd.field] = sealer.seal(subject_id, cmd.field, category, value, slot=slot)
    subject.rectify(
        cmd.field,
        category,
        retired,
        (fields, notes),
        str(request.id) if request is not None else None,
        app.day(None),
        by,
    )
    others = [r for r in requests if _reseal_request(sealer, subject_id, r, retired, slot, by)]
    access = log.entries(
        by, "subject.rectify", "update", [Seen(subject_id, (category,))], DEFAULT_PURPOSE,
        case=cases[0].ref if len(cases) == 1 else None,
    )  # fmt: skip
    app.commit(subject, *others, *access)  # recorded first: never a destroyed key without a record
    if cmd.field in ("name", "date_of_birth"):
        _reindex(persons, subject)
    if retired is not None:
        keystore.retire(subject_id, retired)
    return {
        "subject": subject.short,
        "field": cmd.field,
        "resealed": sorted(n for n in fields if n != cmd.field) + [f"note:{n}" for n in notes],
        "request": request.ref if request is not None else None,
    }


def _resealed(
    sealer: Sealer, subject: Subject, field: str, retired: str | None, slot: str
) -> tuple[dict[str, Sealed], dict[str, Sealed]]:
    """Every other value of the subject under the retired key, sealed under ``slot``."""
    if retired is None:
        return {}, {}
    subject_id = str(subject.id)
    fields = {
        name: sealer.seal(
            subject_id, name, sealed["cat"], sealer.open(subject_id, name, sealed), slot=slot
        )
        for name, sealed in subject.fields.items()
        if key_slot(sealed) == retired and name != field
    }
    notes = {}
    for number, note in enumerate(subject.notes, start=1):
        sealed = note["note"]
        if key_slot(sealed) == retired:
            text = sealer.open(subject_id, f"note:{number}", sealed)
            notes[str(number)] = sealer.seal(
                subject_id, f"note:{number}", sealed["cat"], text, slot=slot
            )
    return fields, notes


def _reseal_request(
    sealer: Sealer,
    subject_id: str,
    request: RightsRequest,
    retired: str | None,
    slot: str,
    by: Acting,
) -> bool:
    """Seal a request's texts under the retired key again under ``slot``; True if any."""
    texts = {}
    for name, sealed in request.texts.items():
        if retired is not None and key_slot(sealed) == retired:
            field = f"request:{request.id}:{name}"
            plain = sealer.open(subject_id, field, sealed)
            texts[name] = sealer.seal(subject_id, field, sealed["cat"], plain, slot=slot)
    if texts:
        request.reseal(texts, by)
    return bool(texts)


def _reindex(persons: Persons, subject: Subject) -> None:
    """The same-person index follows the rectified name and date of birth (decision 0027)."""
    name = persons.open_field(subject, "name", subject.fields["name"])
    born = subject.fields.get("date_of_birth")
    dob = persons.open_field(subject, "date_of_birth", born) if born else None
    if isinstance(name, str) and isinstance(dob, str):
        persons.index.enter(str(subject.id), name, date.fromisoformat(dob))
