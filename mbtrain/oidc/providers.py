"""The OpenID Connect providers, as configuration: ``MBTRAIN_OIDC_PROVIDERS`` names a TOML file.

Read and checked once when the app starts; a mistake stops the start with what to fix
(``ConfigError``), never a login that half works. The README shows a complete file.
"""

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbtrain.accounts.models import Role
from mbtrain.config import ConfigError

CLIENT_AUTH = ("client_secret_basic", "client_secret_post", "private_key_jwt")
KINDS = {"idporten": "pid", "entra": "oid"}  # what identifies the person, per kind
# ID-porten's levels, lowest first; a provider may name its own order (acr_levels).
IDPORTEN_LEVELS = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")


@dataclass(frozen=True)
class GroupGrant:
    """What membership of one Entra group gives: a role, and for coordinators counties."""

    role: Role
    counties: tuple[str, ...] = ()  # county codes


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    kind: str
    discovery_url: str
    client_id: str
    client_auth: str = "client_secret_basic"
    client_secret: str = field(default="", repr=False)
    private_key: dict[str, Any] | None = field(default=None, repr=False)
    scopes: tuple[str, ...] = ("openid",)
    roles: frozenset[Role] = frozenset()
    acr_levels: tuple[str, ...] = IDPORTEN_LEVELS
    min_acr: str | None = None
    role_acr: dict[Role, str] = field(default_factory=dict)
    par: bool = False
    groups: dict[str, GroupGrant] = field(default_factory=dict)
    timeout: float = 5.0

    @property
    def subject_claim(self) -> str:
        return KINDS[self.kind]

    def required_acr(self, role: Role | None = None) -> str | None:
        """The lowest level this login must have: the role's own, else the provider's."""
        return self.role_acr.get(role) if role in self.role_acr else self.min_acr

    def acr_sufficient(self, acr: str | None, required: str | None) -> bool:
        if required is None:
            return True
        if acr not in self.acr_levels:
            return False
        return self.acr_levels.index(acr) >= self.acr_levels.index(required)


@dataclass(frozen=True)
class LoginSettings:
    providers: dict[str, Provider]
    password_roles: frozenset[Role]


def _roles(values: Any, where: str) -> frozenset[Role]:
    try:
        return frozenset(Role(str(value).upper()) for value in values)
    except ValueError as error:
        raise ConfigError(f"{where}: unknown role ({error})") from None


def _secret(raw: dict[str, Any], where: str, env: dict[str, str]) -> str:
    if "client_secret_env" in raw:
        name = raw["client_secret_env"]
        if not env.get(name):
            raise ConfigError(f"{where}: the environment variable {name} is empty")
        return env[name]
    return str(raw.get("client_secret", ""))


def _private_key(raw: dict[str, Any], where: str, base: Path) -> dict[str, Any] | None:
    if "private_key" not in raw:
        return None
    import json

    path = Path(raw["private_key"])
    path = path if path.is_absolute() else base / path
    try:
        key = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        raise ConfigError(f"{where}: private_key {path} is not a readable JWK ({error})") from None
    if "kid" not in key or "d" not in key:
        raise ConfigError(f"{where}: private_key must be a private JWK with a kid")
    return key


def parse_provider(name: str, raw: dict[str, Any], base: Path, env: dict[str, str]) -> Provider:
    where = f"MBTRAIN_OIDC_PROVIDERS [providers.{name}]"
    for key in ("kind", "discovery_url", "client_id"):
        if not raw.get(key):
            raise ConfigError(f"{where}: {key} is required")
    kind = raw["kind"]
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)}")
    client_auth = raw.get("client_auth", "client_secret_basic")
    if client_auth not in CLIENT_AUTH:
        raise ConfigError(f"{where}: client_auth must be one of {', '.join(CLIENT_AUTH)}")
    secret = _secret(raw, where, env)
    key = _private_key(raw, where, base)
    if client_auth == "private_key_jwt" and key is None:
        raise ConfigError(f"{where}: private_key_jwt needs private_key (a JWK file)")
    if client_auth != "private_key_jwt" and not secret:
        raise ConfigError(f"{where}: {client_auth} needs client_secret or client_secret_env")
    scopes = tuple(raw.get("scopes", ["openid"]))
    if "openid" not in scopes:
        raise ConfigError(f"{where}: scopes must include openid")
    levels = tuple(raw.get("acr_levels", IDPORTEN_LEVELS))
    role_acr = {Role(str(r).upper()): acr for r, acr in raw.get("role_acr", {}).items()}
    for acr in [raw.get("min_acr"), *role_acr.values()]:
        if acr is not None and acr not in levels:
            raise ConfigError(f"{where}: acr {acr!r} is not one of acr_levels")
    groups = {
        str(group): GroupGrant(
            role=Role(str(grant["role"]).upper()),
            counties=tuple(str(code) for code in grant.get("counties", ())),
        )
        for group, grant in raw.get("groups", {}).items()
    }
    if not discovery_url_ok(raw["discovery_url"]):
        raise ConfigError(f"{where}: discovery_url must be https:// (http:// only on loopback)")
    return Provider(
        name=name,
        label=str(raw.get("label", name)),
        kind=kind,
        discovery_url=raw["discovery_url"],
        client_id=str(raw["client_id"]),
        client_auth=client_auth,
        client_secret=secret,
        private_key=key,
        scopes=scopes,
        roles=_roles(raw.get("roles", [r.value for r in Role]), where),
        acr_levels=levels,
        min_acr=raw.get("min_acr"),
        role_acr=role_acr,
        par=bool(raw.get("par", False)),
        groups=groups,
        timeout=float(raw.get("timeout", 5.0)),
    )


def discovery_url_ok(url: str) -> bool:
    if url.startswith("https://"):
        return True
    return url.startswith(("http://127.0.0.1:", "http://localhost:", "http://[::1]:"))


def load_login_settings(path: str | None, env: dict[str, str] | None = None) -> LoginSettings:
    """The providers of the TOML file at ``path`` (none when empty), and who keeps passwords."""
    env = dict(os.environ if env is None else env)
    if not path:
        return LoginSettings(providers={}, password_roles=frozenset(Role))
    file = Path(path)
    try:
        raw = tomllib.loads(file.read_text())
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"MBTRAIN_OIDC_PROVIDERS: cannot read {file} ({error})") from None
    providers = {
        name: parse_provider(name, body, file.parent, env)
        for name, body in raw.get("providers", {}).items()
    }
    password = raw.get("password", {})
    roles = _roles(password.get("roles", [r.value for r in Role]), "[password] roles")
    return LoginSettings(providers=providers, password_roles=roles)
