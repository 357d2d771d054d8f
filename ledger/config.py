"""Where the ledger lives and who is acting: environment first, then the config file.

Precedence for every setting: explicit argument (CLI flag) > environment variable >
config file > platform default. The config file is TOML with top-level keys
``database_url``, ``actor``, ``role`` and ``policy_dir``; a client of a server has
``server`` (its URL) and ``token_file`` (a file holding the API token); a server that
accepts OpenID Connect tokens has ``oidc_issuer``, ``oidc_audience``, ``oidc_jwks`` and
optionally ``oidc_actor_claim`` and ``oidc_algorithms`` (checked when it starts, by
``ledger/tokens/oidc_settings.py``).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ledger.errors import BadInput

ENV_DATABASE_URL = "REGIE_DATABASE_URL"
ENV_ACTOR = "REGIE_ACTOR"
ENV_ROLE = "REGIE_ROLE"
ENV_CONFIG = "REGIE_CONFIG"
ENV_POLICY_DIR = "REGIE_POLICY_DIR"
ENV_DATA_DIR = "REGIE_DATA_DIR"

OIDC_SETTINGS = ("issuer", "audience", "jwks", "actor_claim", "algorithms")
"""The OpenID Connect settings: ``REGIE_OIDC_<NAME>`` or ``oidc_<name>`` in the file."""

_KNOWN_KEYS = {
    "database_url", "actor", "role", "policy_dir", "key_dir", "fg_contact", "server",
    "token_file", *(f"oidc_{name}" for name in OIDC_SETTINGS),
}  # fmt: skip
ENV_SERVER = "REGIE_SERVER"
ENV_TOKEN = "REGIE_TOKEN"
ENV_TOKEN_FILE = "REGIE_TOKEN_FILE"
ENV_FG_CONTACT = "REGIE_FG_CONTACT"
DEFAULT_FG_CONTACT = (
    "De functionaris gegevensbescherming van de gemeente (contactgegevens op de website "
    "van de gemeente)"
)
ENV_KEY_DIR = "REGIE_KEY_DIR"


def data_dir() -> Path:
    """The user's data directory by platform convention (XDG on Linux)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("regie", appauthor=False))


def config_path() -> Path:
    override = os.environ.get(ENV_CONFIG)
    if override:
        return Path(override)
    from platformdirs import user_config_dir

    return Path(user_config_dir("regie", appauthor=False)) / "config.toml"


def safe_url(url: str) -> str:
    """A database URL with any password masked, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def default_database_url() -> str:
    return sqlite_url(data_dir() / "regie.sqlite")


def sqlite_url(path: Path | str) -> str:
    return f"sqlite:///{Path(path).expanduser().resolve()}"


def default_key_dir(database_url: str) -> Path:
    """Keys live beside a SQLite ledger (``<file>.keys/``), else in the data directory."""
    import hashlib

    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        return path.with_name(path.name + ".keys")
    # Every database user of one database shares its keys: leave user and password out.
    shared = url.set(username=None, password=None)
    digest = hashlib.sha256(shared.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return data_dir() / "keys" / digest


def database_url_from_option(value: str) -> str:
    """``--db`` accepts a SQLAlchemy URL or a plain file path (SQLite)."""
    return value if "://" in value else sqlite_url(value)


@dataclass(frozen=True)
class Settings:
    database_url: str
    actor: str | None
    role: str | None
    policy_dir: Path | None
    config_file: Path | None
    key_dir_setting: Path | None = None
    fg_contact: str = DEFAULT_FG_CONTACT
    server: str | None = None
    token_file: Path | None = None
    oidc: dict[str, tuple[str, str]] = field(default_factory=dict)
    """The OpenID Connect settings given, by name: (value, where it was set)."""

    @property
    def key_dir(self) -> Path:
        return self.key_dir_setting or default_key_dir(self.database_url)

    def with_database(self, url: str) -> Settings:
        return replace(self, database_url=url)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> Path | None:
        if not self.is_sqlite:
            return None
        rest = self.database_url.split("///", 1)
        return Path(rest[1]) if len(rest) == 2 and rest[1] not in ("", ":memory:") else None


def _read_config_file(path: Path) -> dict[str, str]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BadInput(
            f"{path}: not valid TOML ({exc}); fix the file or unset {ENV_CONFIG}"
        ) from exc
    except OSError as exc:
        raise BadInput(f"{path}: cannot read config file ({exc.strerror})") from exc
    unknown = set(raw) - _KNOWN_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise BadInput(f"{path}: unknown key '{key}'; allowed: {', '.join(sorted(_KNOWN_KEYS))}")
    for key, value in raw.items():
        if not isinstance(value, str):
            raise BadInput(f"{path}: key '{key}' must be a string")
    return dict(raw)


def load_settings() -> Settings:
    path = config_path()
    file_values: dict[str, str] = _read_config_file(path) if path.is_file() else {}
    url = os.environ.get(ENV_DATABASE_URL) or file_values.get("database_url")
    policy = os.environ.get(ENV_POLICY_DIR) or file_values.get("policy_dir")
    keys = os.environ.get(ENV_KEY_DIR) or file_values.get("key_dir")
    token_file = os.environ.get(ENV_TOKEN_FILE) or file_values.get("token_file")
    return Settings(
        database_url=url or default_database_url(),
        actor=os.environ.get(ENV_ACTOR) or file_values.get("actor"),
        role=os.environ.get(ENV_ROLE) or file_values.get("role"),
        policy_dir=Path(policy) if policy else None,
        config_file=path if path.is_file() else None,
        key_dir_setting=Path(keys) if keys else None,
        fg_contact=os.environ.get(ENV_FG_CONTACT)
        or file_values.get("fg_contact")
        or DEFAULT_FG_CONTACT,
        server=os.environ.get(ENV_SERVER) or file_values.get("server"),
        token_file=Path(token_file).expanduser() if token_file else None,
        oidc=_oidc(file_values, path),
    )


def _oidc(file_values: dict[str, str], path: Path) -> dict[str, tuple[str, str]]:
    """Each OpenID Connect setting given, with where (for a message that names it)."""
    found: dict[str, tuple[str, str]] = {}
    for name in OIDC_SETTINGS:
        variable, key = f"REGIE_OIDC_{name.upper()}", f"oidc_{name}"
        if os.environ.get(variable, "").strip():
            found[name] = (os.environ[variable].strip(), variable)
        elif file_values.get(key, "").strip():
            found[name] = (file_values[key].strip(), f"{path}: {key}")
    return found


def api_token(settings: Settings) -> str | None:
    """The client's API token: ``REGIE_TOKEN``, else the first line of the token file."""
    token = os.environ.get(ENV_TOKEN)
    if token:
        return token.strip()
    if settings.token_file is None:
        return None
    try:
        lines = settings.token_file.read_text(encoding="utf-8").split()
    except OSError as exc:
        raise BadInput(
            f"{settings.token_file}: cannot read the token file ({exc.strerror})"
        ) from exc
    return lines[0] if lines else None
