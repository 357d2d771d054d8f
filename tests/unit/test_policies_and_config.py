"""Policy files, configuration precedence and ISO 8601 durations."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ledger.config import load_settings
from ledger.durations import Duration
from ledger.errors import BadInput
from policies.loader import DEFAULTS, PolicyError, load_policies
from tests.paths import ROOT


def test_the_shipped_defaults_load() -> None:
    policies = load_policies()
    assert "politie" in policies.organisation_keys
    assert len(policies.decision_items) == 5
    assert len(policies.evaluation_criteria) == 7
    assert policies.early_end_after["regulier-afgehandeld"] == frozenset({1, 2, 3})


def test_a_municipality_file_replaces_the_default(tmp_path: Path) -> None:
    (tmp_path / "organisations.toml").write_text(
        '[[organisation]]\nkey = "gemeente"\nlabel = "Gemeente Teststad"\n', encoding="utf-8"
    )
    policies = load_policies(tmp_path)
    assert policies.organisation_keys == frozenset({"gemeente"})
    assert policies.sources["roles"] == DEFAULTS / "roles.toml"


@pytest.mark.parametrize(
    ("content", "key", "problem"),
    [
        ('[[organisation]]\nkey = "Gemeente!"\nlabel = "x"\n', "organisation[0].key", "lowercase"),
        ('[[organisation]]\nkey = "a"\n', "organisation[0].label", "required"),
        (
            '[[organisation]]\nkey = "a"\nlabel = "x"\ncolour = "red"\n',
            "organisation[0].colour",
            "not permitted",
        ),
        (
            '[[organisation]]\nkey = "a"\nlabel = "x"\n[[organisation]]\nkey = "a"\nlabel = "y"\n',
            "",
            "duplicate organisation key 'a'",
        ),
        ("organisation = [", "", "not valid TOML"),
    ],
)
def test_invalid_policy_names_file_key_and_problem(
    tmp_path: Path, content: str, key: str, problem: str
) -> None:
    path = tmp_path / "organisations.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError) as info:
        load_policies(tmp_path)
    message = str(info.value)
    assert str(path) in message
    assert key in message
    assert problem in message
    assert info.value.exit_code == 2


def test_roles_file_must_keep_the_roles_the_ledger_needs(tmp_path: Path) -> None:
    (tmp_path / "roles.toml").write_text(
        '[[role]]\nkey = "regisseur"\nlabel = "R"\n', encoding="utf-8"
    )
    with pytest.raises(PolicyError, match="needs role"):
        load_policies(tmp_path)


def test_settings_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        'database_url = "sqlite:////tmp/from-file.sqlite"\nactor = "file-actor"\n', encoding="utf-8"
    )
    monkeypatch.setenv("REGIE_CONFIG", str(config))
    monkeypatch.setenv("REGIE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("REGIE_DATABASE_URL", raising=False)
    monkeypatch.delenv("REGIE_ACTOR", raising=False)
    settings = load_settings()
    assert settings.database_url == "sqlite:////tmp/from-file.sqlite"
    assert settings.actor == "file-actor"
    monkeypatch.setenv("REGIE_DATABASE_URL", "postgresql+psycopg://u@h/db")
    monkeypatch.setenv("REGIE_ACTOR", "env-actor")
    settings = load_settings()
    assert (settings.database_url, settings.actor) == ("postgresql+psycopg://u@h/db", "env-actor")
    config.unlink()
    monkeypatch.delenv("REGIE_DATABASE_URL")
    assert load_settings().database_url.endswith("/data/regie.sqlite")


def test_a_bad_config_file_names_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "config.toml"
    config.write_text('databse_url = "x"\n', encoding="utf-8")
    monkeypatch.setenv("REGIE_CONFIG", str(config))
    with pytest.raises(BadInput, match="unknown key 'databse_url'"):
        load_settings()


@given(st.integers(0, 30), st.integers(0, 30), st.integers(0, 10), st.integers(0, 400))
def test_duration_round_trips(years: int, months: int, weeks: int, days: int) -> None:
    duration = Duration(years, months, weeks, days)
    if duration.is_zero:
        with pytest.raises(BadInput):
            Duration.parse("P0D")
        return
    assert Duration.parse(duration.iso()) == duration


@given(st.dates(date(1990, 1, 1), date(2090, 1, 1)), st.integers(0, 20), st.integers(0, 40))
def test_durations_move_forward_and_respect_month_ends(
    start: date, years: int, months: int
) -> None:
    end = Duration(years, months).after(start)
    assert end >= start
    assert (end.year * 12 + end.month) - (start.year * 12 + start.month) == years * 12 + months
    assert end.day == start.day or end.day < start.day


@pytest.mark.parametrize("text", ["", "P", "5Y", "P1.5Y", "PT5H", "P-1Y", "twee jaar"])
def test_bad_durations_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput):
        Duration.parse(text)


def test_month_end_arithmetic() -> None:
    assert Duration(months=1).after(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Duration(years=1).after(date(2024, 2, 29)) == date(2025, 2, 28)


def test_every_domain_rule_is_documented() -> None:
    from ledger.domain.rules import RULES

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    missing = [rule_id for rule_id in RULES if f"`{rule_id}`" not in text]
    assert not missing, f"add these rules to docs/rules.md: {missing}"


def test_an_origin_in_a_municipality_sharing_file_must_be_known(tmp_path: Path) -> None:
    default = (DEFAULTS / "sharing.toml").read_text(encoding="utf-8")
    path = tmp_path / "sharing.toml"
    path.write_text(
        default.replace('politie-informatie = "politie"', 'politie-informatie = "kmar"')
    )
    with pytest.raises(PolicyError) as info:
        load_policies(tmp_path)
    assert str(path) in str(info.value) and "origin.politie-informatie" in str(info.value)
    assert "'kmar' is not an organisation" in str(info.value)
    path.write_text(default.replace('politie-informatie = "politie"', 'wapens = "politie"'))
    with pytest.raises(PolicyError, match=r"origin\.wapens: not a data category"):
        load_policies(tmp_path)


def test_an_own_sharing_policy_names_known_organisations_and_categories(tmp_path: Path) -> None:
    default = (DEFAULTS / "sharing.toml").read_text(encoding="utf-8")
    own = tmp_path / "sharing.toml"
    own.write_text(default.replace('required_for = ["politie"]', 'required_for = ["marechaussee"]'))
    with pytest.raises(PolicyError) as info:
        load_policies(tmp_path)
    assert str(own) in str(info.value) and "instrument_kind[0].required_for" in str(info.value)
    own.write_text(default.replace('["zorg-en-gezondheid", "bsn"]', '["schoenmaat"]'))
    with pytest.raises(PolicyError, match=r"ad_hoc_basis\[\d\]\.special_categories"):
        load_policies(tmp_path)
    twice = default.replace('required_for = ["om"]', 'required_for = ["politie"]')
    own.write_text(twice)
    with pytest.raises(PolicyError, match="one kind of instrument"):
        load_policies(tmp_path)
