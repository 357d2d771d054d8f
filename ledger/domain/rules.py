"""The named rules the domain enforces, each with its source, so refusals can cite them.

A refusal message always ends with ``[rule <id>]``; ``docs/architecture.md`` lists them.
"""

from __future__ import annotations

from ledger.domain.rule import RULES as RULES
from ledger.domain.rule import Rule as Rule
from ledger.domain.rule import rule as _r

CASE_CLOSED = _r(
    "case.closed", "the case is closed; it accepts no further changes", "000 L2332-2345"
)
SIGNAL_FIRST = _r(
    "step.signal-before-2",
    "step 2 needs at least one recorded signal; record one with `regie signal add`",
    "000 L2002-2033",
)
ONE_STEP = _r("step.forward-one", "a case moves forward one step at a time", "000 L1833-1843")
UC_BEFORE_3 = _r(
    "step.coordinator-before-3",
    "leaving step 2 needs a designated uitvoeringscoördinator (`regie case designate`)",
    "000 L2000-2001, L2042",
)
DECISION_BEFORE_5 = _r(
    "step.prioritised-before-5",
    "step 5 needs a step-4 decision that prioritises the group (`regie decision record`)",
    "000 L2236-2260",
)
PLAN_BEFORE_6 = _r(
    "step.plan-before-6",
    "step 6 needs a plan van aanpak with at least one open action (`regie plan set`)",
    "000 L2274-2300",
)
AT_7_USE_CLOSE = _r(
    "step.close-at-7",
    "step 7 ends with `regie case close`, not with a step change",
    "000 L2332-2358",
)
MERGE_FROM_3 = _r(
    "step.merge-4-5-from-3",
    "steps 4 and 5 can only be merged when moving on from step 3, with a reason",
    "000 L315-371, L1472-1476",
)
BACK_FROM_6 = _r(
    "step.back-from-6",
    "a case only goes back from step 6, to step 3 or step 5",
    "000 L1833-1843",
)
EARLY_END = _r(
    "step.early-end",
    "this outcome cannot end the case at its current step",
    "000 L2029-2033; policies/defaults/werkproces.toml [early_end]",
)
END_AT_4 = _r(
    "step.end-at-4-needs-refusal",
    "ending at step 4 needs a step-4 decision not to prioritise the group",
    "000 L2236-2240",
)
DECISION_AT_4 = _r(
    "decision.at-step-4",
    "the prioritisation decision is taken at step 4 (or step 5 when 4 and 5 are merged)",
    "000 L2236-2260",
)
DECISION_ITEMS = _r(
    "decision.five-items",
    "a decision to prioritise must name all five items of the werkproces",
    "000 L2242-2260",
)
WORKING_MOTIVATION = _r(
    "decision.working-motivation",
    "a working decision (to wait, or to share at another level) says why",
    "000 L572-584, L774",
)
WAIT_REVIEW = _r(
    "decision.wait-review",
    "a decision to wait names a later day on which the case is looked at again",
    "000 L774",
)
LEVEL_NAMED = _r(
    "decision.level-named",
    "a decision to share at another level names the level (--level)",
    "000 L572-584",
)
WORKING_KIND = _r(
    "decision.working-kind",
    "a working decision is to wait (afwachten) or to share at a level (deelniveau)",
    "000 L572-584, L774",
)
DECISION_MOTIVATION = _r(
    "decision.motivation",
    "a decision not to prioritise, or for extra analysis, needs a motivation",
    "000 L2260-2266",
)
PLAN_STEP = _r(
    "plan.step",
    "the plan van aanpak is drafted at step 3 and set or revised at step 5",
    "000 L2150-2176, L2274-2300",
)
PLAN_ACTION_UNKNOWN = _r(
    "plan.action-unknown", "a plan revision can only revise actions of this case", "seed 004"
)
ACTION_STEP = _r(
    "action.step", "actions are added at step 5 or 6, once a plan exists", "000 L2274-2322"
)
URGENT_REASON = _r(
    "action.urgent-reason",
    "an urgent measure before the formal decision says why it cannot wait and who authorised it",
    "000 L1472-1476",
)
RATIFY_URGENT = _r(
    "decision.ratify-urgent",
    "a decision to prioritise ratifies the urgent measures taken before it (--ratify)",
    "000 L1472-1476",
)
RATIFY_UNKNOWN = _r(
    "decision.ratify-unknown",
    "only an urgent measure not yet ratified can be ratified",
    "000 L1472-1476",
)
ACTION_OPEN = _r("action.open", "only an open action can be completed or escalated", "000 L2322")
ESCALATE_STEP = _r(
    "action.escalate-at-6",
    "an agreement is escalated during execution (step 6)",
    "000 L507-531, L2322",
)
COORDINATOR_ROLE = _r(
    "case.coordinator-role",
    "the uitvoeringscoördinator must be an active actor holding that role",
    "000 L2000-2001, L2423",
)
CLOSE_AT_7 = _r("close.at-step-7", "a case is closed at step 7", "000 L2332-2358")
CLOSE_HANDOVER = _r(
    "close.handover",
    "every open action must be handed over to a regular organisation at closure",
    "000 L2340-2343",
)
CLOSE_EVALUATION = _r(
    "close.evaluation",
    "the evaluation must address all seven criteria",
    "000 L2350-2358",
)
NOT_FUTURE = _r("date.not-future", "a decision or observation cannot be dated in the future", "—")
ACTOR_EXISTS = _r("actor.unique", "an actor with this id already exists", "—")
BOOTSTRAP_ADMIN = _r(
    "actor.bootstrap-administrator", "the first actor must hold the administrator role", "—"
)
ACTOR_ACTIVE = _r("actor.active", "the actor is deactivated", "—")
TOKEN_EXPIRY = _r("token.expiry", "an API token cannot expire before the day it is issued", "—")
TOKEN_REVOKED = _r("token.revoked", "the API token was already revoked", "—")

SUBJECT_ERASED = _r(
    "subject.erased", "the subject was erased; its data cannot be changed or linked", "AVG art. 17"
)
PERSON_NOT_IN_STEP_1 = _r(
    "member.not-in-step-1",
    "step 1 works at group level only: no person can be linked to the case yet",
    "000 L2002-2004",
)
PERSON_NEEDS_COORDINATOR = _r(
    "member.needs-coordinator",
    "a person can only be linked once an uitvoeringscoördinator is designated",
    "000 L2000-2001, L2042",
)
MEMBER_KNOWN = _r(
    "member.known", "the subject must be a current member of the case", "000 L2196-2202"
)
MEMBER_YOUTH = _r(
    "member.youth",
    "only youths are members of a group; representatives are linked to a youth",
    "000 L184-187",
)
NAMENLIJST_STEP = _r(
    "namenlijst.step-2",
    "the namenlijst is drawn up from step 2 on, with a designated uitvoeringscoördinator",
    "000 L2000-2001, L2078-2091",
)
NAMENLIJST_ADDITION = _r(
    "namenlijst.addition",
    "an addition to the namenlijst names a current member who is not on the agreed namenlijst"
    " yet, with a motivation; the first namenlijst is agreed with `regie namenlijst agree`",
    "000 L1018, L2078-2091",
)
NAMENLIJST_DATE = _r(
    "namenlijst.date-order",
    "a new version of the namenlijst is agreed on or after the day of the version it follows",
    "000 L2078-2091",
)
GROEPSSCAN_AFTER_NAMENLIJST = _r(
    "groepsscan.after-namenlijst",
    "the groepsscan is requested after the partners agreed the namenlijst",
    "000 L2078-2091",
)
GROEPSSCAN_REQUESTED = _r(
    "groepsscan.requested-first",
    "a groepsscan can only be received after it was requested",
    "000 L2088-2113",
)

CONVENANT_VERSION = _r("convenant.version", "the convenant has no such version", "—")
CONVENANT_PARTY = _r(
    "convenant.party", "only a party to the convenant version signs it, once", "000 L1988-1992"
)
CONVENANT_EXISTS = _r("convenant.unique", "a convenant with this key already exists", "—")
SHARE_REVIEW = _r(
    "share.review",
    "only a provided ad-hoc share, or one on a compatibility assessment, awaits the"
    " privacy officer's review",
    "000 L957-961; AVG art. 6(4)",
)
SHARE_REFUSED = _r(
    "share.refused", "the sharing policy refuses this provision", "policies/defaults/sharing.toml"
)
SHARE_PROVIDER = _r(
    "share.provider",
    "a provision from an organisation is recorded or answered by an actor of that organisation;"
    " the regisseur may only request it",
    "000 L2044-2046 (each partner decides on its own legal basis)",
)
SHARE_REQUEST_OPEN = _r(
    "share.request-open", "the request was already answered (confirmed or refused)", "—"
)
SHARE_ARTICLE = _r(
    "share.article",
    "a provision under a convenant cites an article of that version's sharing matrix",
    "Convenant, deelmatrix; 000 L1988-1992",
)
SHARE_FINDING_OPEN = _r(
    "share.finding-open",
    "only an open finding (an ad-hoc share judged onrechtmatig, not yet closed) is closed",
    "AVG art. 5(2), 33(5)",
)
SHARE_OM_CONDITIONS = _r(
    "share.om-conditions",
    "criminal information from the OM is provided only on a request that records the OM's"
    " conditions",
    "000 L2056-2064",
)
REUSE_ACTION = _r("reuse.action", "a reuse names an action of this case", "seed 004")
REUSE_PURPOSE = _r(
    "reuse.purpose",
    "a provision is used in the plan only by an organisation it reached, for the purpose (and"
    " in the case) it was received for, or on a recorded compatibility assessment",
    "AVG art. 5(1)(b), 6(4); 000 L2425",
)
REUSE_REVIEW = _r(
    "reuse.review",
    "only a reuse on a compatibility assessment awaits the privacy officer's review, once",
    "AVG art. 6(4)",
)
PERMISSION = _r(
    "permission.denied",
    "the role does not permit this command",
    "policies/defaults/permissions.toml",
)
PARTICIPANT = _r(
    "permission.participant",
    "only participants of a case may act on it or see its personal data",
    "policies/defaults/permissions.toml; AVG art. 5(1)(c) need-to-know",
)
HOLD_ACTIVE = _r("hold.active", "the legal hold was already lifted", "—")
REPORT_RESTRICTED = _r(
    "report.restricted",
    "while the information duty is deferred, the subject report is only given as a limited "
    "answer (`--limited`, UAVG art. 41) that does not reveal the deferral",
    "AVG art. 15, 23; UAVG art. 41",
)
FOUR_EYES = _r(
    "retention.four-eyes",
    "a destruction list is approved by a second actor, not by the one who proposed it",
    "policies/defaults/retention.toml [settings] four_eyes",
)
LIST_REVIEWER = _r(
    "retention.list-reviewer",
    "a destruction list is reviewed once per reviewer role (retention.toml [settings] "
    "reviewers), by an actor holding that role who neither proposed it nor reviewed it "
    "in another role, and only before it is executed",
    "Archiefbesluit 1995 art. 8; Open Archiefbeheer; policies/defaults/retention.toml",
)
LIST_APPROVED = _r(
    "retention.list-approved",
    "a destruction list is executed only after every reviewer role approved it, and once",
    "Archiefwet 1995 art. 3; Archiefbesluit 1995 art. 8",
)
TERM_BOUNDS = _r(
    "close.bewaartermijn-bounds",
    "the agreed bewaartermijn must lie within the bounds of the retention class",
    "policies/defaults/retention.toml (min_term, max_term)",
)

LETTER_YOUTH = _r(
    "letter.youth",
    "letters are about a youth; legal representatives receive theirs with the youth's letters",
    "AVG art. 14; policies/defaults/letters.toml [[age_band]]",
)
LETTER_TRIGGER = _r(
    "letter.no-trigger",
    "there is no information duty yet: the youth is on no agreed namenlijst and no data "
    "about them was provided",
    "AVG art. 14(3)",
)
LETTER_ADDRESSEE = _r(
    "letter.no-addressee",
    "no addressee on the letter date: register the youth's legal representative(s) with "
    "`regie subject add --kind wettelijk-vertegenwoordiger`",
    "AVG art. 12(1); policies/defaults/letters.toml [[age_band]]",
)
LETTER_DEFERRED = _r(
    "letter.deferred",
    "the information duty is deferred; lift the deferral with `regie letters resume` first",
    "AVG art. 14(5)(b); UAVG art. 41",
)
LETTER_NOT_DEFERRED = _r(
    "letter.not-deferred", "only a deferred information duty can be resumed", "—"
)
LETTER_GENERATE_FIRST = _r(
    "letter.generate-first",
    "delivery is recorded for a letter generated for that addressee (`regie letters generate`)",
    "—",
)
LETTER_DELIVERED_ONCE = _r(
    "letter.delivered-once", "the delivery of this letter was already recorded", "—"
)
LETTER_DELIVERY_DATE = _r(
    "letter.delivery-after-generation",
    "a letter is delivered on or after the day it was generated",
    "—",
)
LETTER_INFORMED = _r(
    "letter.informed",
    "every addressee already received the letter; there is nothing left to defer",
    "AVG art. 14(5)(b)",
)
LETTER_REVIEW_DATE = _r(
    "letter.review-date",
    "the review date of a deferral lies after the decision, within max_review_period",
    "AVG art. 14(5)(b); UAVG art. 41; policies/defaults/letters.toml max_review_period",
)
MAYBE_REGISTERED = _r(
    "subject.maybe-registered",
    "this person may already be registered; add --new-person if it is someone else",
    "issue 11 item 7; AVG art. 5(1)(d) (juistheid); decision 0027",
)
SUBJECT_HELD = _r(
    "subject.held",
    "a subject under a legal hold cannot be erased while the hold lasts",
    "AVG art. 17(3)(e); policies/defaults/retention.toml",
)
WITNESS_UNIQUE = _r("witness.unique", "a witness with this name is already registered", "—")
NO_ROLLBACK = _r(
    "log.no-rollback",
    "there is no rollback to accept: the ledger extends its high-water mark",
    "RFC 9162 §2.1.4 (consistency); docs/operations.md (Recovery)",
)
DOCUMENT_DIVERGED = _r(
    "log.document",
    "the ledger no longer extends the checkpoint printed on this document",
    "RFC 9162 §2.1.4; docs/operations.md (Witnesses)",
)
REQUEST_DECIDED = _r(
    "request.decided",
    "the rights request was decided already; it accepts no further changes",
    "AVG art. 12(3)-(4)",
)
REQUEST_EXTEND_ONCE = _r(
    "request.extend-once",
    "a rights request's deadline is extended once, by the policy's extension",
    "AVG art. 12(3); policies/defaults/rights.toml extension",
)
REQUEST_EXTEND_IN_TIME = _r(
    "request.extend-in-time",
    "an extension is decided, and the subject told, within the first deadline",
    "AVG art. 12(3)",
)
REQUEST_DATE_ORDER = _r(
    "request.date-order",
    "an extension or decision of a rights request lies on or after its receipt",
    "AVG art. 12(3)",
)
HOLD_REQUEST = _r(
    "hold.request",
    "the legal hold of a pending rights request is lifted by deciding the request",
    "AVG art. 12, 17(3)(e); decision 0031",
)
RECTIFY_REQUEST = _r(
    "subject.rectify-request",
    "a rectification is linked to a pending rectification request of the same subject",
    "AVG art. 16; decision 0031",
)
