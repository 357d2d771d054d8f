"""Load policy files: the shipped defaults, each replaceable by a municipality's own file.

A municipality points ``policy_dir`` (config) or ``REGIE_POLICY_DIR`` at a folder; any
file there with a default's name replaces that default entirely. Every problem is
reported with the file, the key path and what is wrong.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from ledger.errors import BadInput
from policies.letters import LettersFile, check_letters, template_dirs
from policies.model import (
    AuditFile,
    OrganisationsFile,
    PersoonsgegevensFile,
    RolesFile,
    Term,
    WerkprocesFile,
)
from policies.permissions import PermissionsFile
from policies.plan import PlanFile
from policies.register import RegisterFile
from policies.retention import RetentionFile
from policies.rights import RightsFile
from policies.sharing import SharingFile, check_bases
from policies.workbench import WorkbenchFile

DEFAULTS = Path(__file__).parent / "defaults"

M = TypeVar("M", bound=BaseModel)


class PolicyError(BadInput):
    """A policy file is missing, unreadable or invalid."""

    def __init__(self, file: Path, key: str, problem: str) -> None:
        where = f"{file}: {key}: " if key else f"{file}: "
        super().__init__(f"{where}{problem}")
        self.file = file
        self.key = key
        self.problem = problem


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def load_file(path: Path, model: type[M]) -> M:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(path, "", f"cannot read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(path, "", f"not valid TOML: {exc}") from exc
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise PolicyError(path, _key_path(tuple(first["loc"])), first["msg"]) from exc


@dataclass(frozen=True)
class Policies:
    organisations: OrganisationsFile
    roles: RolesFile
    werkproces: WerkprocesFile
    persoonsgegevens: PersoonsgegevensFile
    sharing: SharingFile
    permissions: PermissionsFile
    audit: AuditFile
    retention: RetentionFile
    letters: LettersFile
    werkbank: WorkbenchFile
    rights: RightsFile
    plan: PlanFile
    verwerkingsregister: RegisterFile
    sources: dict[str, Path]

    @cached_property
    def fingerprint(self) -> dict[str, str]:
        """SHA-256 of every policy file in force (and of the letter templates beside the
        letters policy), by name: what an activation of this policy set records."""
        out = {
            name: hashlib.sha256(path.read_bytes()).hexdigest()
            for name, path in sorted(self.sources.items())
        }
        for directory in reversed(template_dirs(self.sources["letters"])):  # own ones win
            for template in sorted(directory.glob("*.j2")):
                digest = hashlib.sha256(template.read_bytes()).hexdigest()
                out[f"templates/{template.name}"] = digest
        return out

    @cached_property
    def policy_hash(self) -> str:
        """One hash for the whole set: the one each decision judged by it records."""
        lines = "".join(f"{name} {digest}\n" for name, digest in self.fingerprint.items())
        return hashlib.sha256(lines.encode()).hexdigest()

    @staticmethod
    def _keys(terms: Sequence[Term]) -> frozenset[str]:
        return frozenset(t.key for t in terms)

    @cached_property
    def organisation_keys(self) -> frozenset[str]:
        return self._keys(self.organisations.organisation)

    @cached_property
    def role_keys(self) -> frozenset[str]:
        return self._keys(self.roles.role)

    @cached_property
    def deciding_bodies(self) -> frozenset[str]:
        return self._keys(self.werkproces.deciding_body)

    @cached_property
    def signal_kinds(self) -> frozenset[str]:
        return self._keys(self.werkproces.signal_kind)

    @cached_property
    def tracks(self) -> frozenset[str]:
        return self._keys(self.werkproces.track)

    @cached_property
    def decision_items(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.werkproces.decision_item)

    @cached_property
    def sharing_levels(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.werkproces.sharing_level)

    @cached_property
    def evaluation_criteria(self) -> tuple[str, ...]:
        return tuple(t.key for t in self.werkproces.evaluation_criterion)

    @cached_property
    def categories(self) -> frozenset[str]:
        return self._keys(list(self.persoonsgegevens.category))

    @cached_property
    def special_categories(self) -> frozenset[str]:
        return frozenset(c.key for c in self.persoonsgegevens.category if c.special)

    @cached_property
    def relations(self) -> frozenset[str]:
        return self._keys(self.persoonsgegevens.relation)

    @cached_property
    def member_cores(self) -> frozenset[str]:
        return self._keys(self.persoonsgegevens.core)

    @cached_property
    def member_influences(self) -> frozenset[str]:
        return self._keys(self.persoonsgegevens.influence)

    @cached_property
    def early_end_after(self) -> dict[str, frozenset[int]]:
        return {e.key: frozenset(e.after_steps) for e in self.werkproces.early_end}

    def label(self, kind: str, key: str) -> str:
        terms: dict[str, list[Term]] = {
            "organisation": list(self.organisations.organisation),
            "role": list(self.roles.role),
            "deciding_body": list(self.werkproces.deciding_body),
            "early_end": list(self.werkproces.early_end),
            "signal_kind": list(self.werkproces.signal_kind),
            "track": list(self.werkproces.track),
            "decision_item": list(self.werkproces.decision_item),
            "evaluation_criterion": list(self.werkproces.evaluation_criterion),
            "category": list(self.persoonsgegevens.category),
        }
        for term in terms.get(kind, []):
            if term.key == key:
                return term.label
        return key


def _pick(name: str, policy_dir: Path | None) -> Path:
    if policy_dir is not None:
        if not policy_dir.is_dir():
            raise PolicyError(policy_dir, "", "policy_dir is not a directory")
        own = policy_dir / name
        if own.is_file():
            return own
    return DEFAULTS / name


def load_policies(policy_dir: Path | None = None) -> Policies:
    files = {
        "organisations": _pick("organisations.toml", policy_dir),
        "roles": _pick("roles.toml", policy_dir),
        "werkproces": _pick("werkproces.toml", policy_dir),
        "persoonsgegevens": _pick("persoonsgegevens.toml", policy_dir),
        "sharing": _pick("sharing.toml", policy_dir),
        "permissions": _pick("permissions.toml", policy_dir),
        "audit": _pick("audit.toml", policy_dir),
        "retention": _pick("retention.toml", policy_dir),
        "letters": _pick("letters.toml", policy_dir),
        "werkbank": _pick("werkbank.toml", policy_dir),
        "rights": _pick("rights.toml", policy_dir),
        "plan": _pick("plan.toml", policy_dir),
        "verwerkingsregister": _pick("verwerkingsregister.toml", policy_dir),
    }
    policies = Policies(
        organisations=load_file(files["organisations"], OrganisationsFile),
        roles=load_file(files["roles"], RolesFile),
        werkproces=load_file(files["werkproces"], WerkprocesFile),
        persoonsgegevens=load_file(files["persoonsgegevens"], PersoonsgegevensFile),
        sharing=load_file(files["sharing"], SharingFile),
        permissions=load_file(files["permissions"], PermissionsFile),
        audit=load_file(files["audit"], AuditFile),
        retention=load_file(files["retention"], RetentionFile),
        letters=load_file(files["letters"], LettersFile),
        werkbank=load_file(files["werkbank"], WorkbenchFile),
        rights=load_file(files["rights"], RightsFile),
        plan=load_file(files["plan"], PlanFile),
        verwerkingsregister=load_file(files["verwerkingsregister"], RegisterFile),
        sources=files,
    )
    unknown = sorted(set(policies.retention.settings.reviewers) - policies.role_keys)
    if unknown:
        raise PolicyError(
            files["retention"], "settings.reviewers", f"not a role of roles.toml: {unknown[0]}"
        )
    problems = check_letters(
        policies.letters, files["letters"], policies.organisation_keys, policies.categories
    )
    if problems:
        key, problem = problems[0]
        raise PolicyError(files["letters"], key, problem)
    if policies.letters.deferral.confirmed_by not in policies.role_keys:
        raise PolicyError(
            files["letters"], "deferral.confirmed_by", "not a role of roles.toml"
        )
    # A municipality's own sharing.toml names its own organisations and categories; the
    # default's keys may go unused when a municipality drops an organisation.
    own_sharing = files["sharing"] != DEFAULTS / "sharing.toml"
    problems = check_bases(policies.sharing, policies.organisation_keys, policies.categories)
    if own_sharing and problems:
        key, problem = problems[0]
        raise PolicyError(files["sharing"], key, problem)
    for category, organisation in policies.sharing.origin.items() if own_sharing else ():
        if category not in policies.categories:
            raise PolicyError(files["sharing"], f"origin.{category}", "not a data category")
        if organisation not in policies.organisation_keys:
            raise PolicyError(
                files["sharing"], f"origin.{category}", f"'{organisation}' is not an organisation"
            )
    if files["werkbank"] != DEFAULTS / "werkbank.toml":
        for n, expected in enumerate(policies.werkbank.informatie):
            if expected.organisation not in policies.organisation_keys:
                raise PolicyError(
                    files["werkbank"],
                    f"informatie[{n}].organisation",
                    f"'{expected.organisation}' is not an organisation",
                )
    for n, section in enumerate(policies.plan.section):
        unknown_tracks = sorted(set(section.tracks) - policies.tracks)
        if unknown_tracks:
            raise PolicyError(
                files["plan"], f"section[{n}].tracks", f"'{unknown_tracks[0]}' is not a track"
            )
    if policies.rights.settings.category not in policies.categories:
        category = policies.rights.settings.category
        raise PolicyError(
            files["rights"], "settings.category", f"'{category}' is not a known data category"
        )
    return policies
