"""The world of the login tests: a local OpenID provider (tests/oidc/provider.mjs, panva's
oidc-provider from package-lock.json) with an ID-porten-like and an Entra-like client, a
second one that requires pushed authorization requests, synthetic people, and the providers
file mbtrain reads (MBTRAIN_OIDC_PROVIDERS)."""

import json
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
NODE = shutil.which("node")
SECRET = "test-client-secret-" + "c" * 24
SUBJECT_KEY = "test-subject-key-" + "k" * 32
COUNTY = "46"
COORDINATOR_GROUP = "0b8f7d2e-coordinators-vestland"
# Synthetic people, as the provider knows them: the login id the tests type, and claims.
TRAINEE = ("tora", {"pid": "01019912345", "name": "Tora Deltaker"})
LOW_ACR = ("lav", {"pid": "02029912345", "name": "Lars Lavnivå"})
UNLINKED = ("ukjent", {"pid": "03039912345", "name": "Ulla Ukjent"})
COORDINATOR = (
    "nora",
    {
        "oid": "5d1c-oid-nora",
        "groups": [COORDINATOR_GROUP, "other-group"],
        "NAVident": "Z990123",
        "name": "Nora NAV",
    },
)
PARTNER = ("pia", {"pid": "04049912345", "name": "Pia Partner"})  # PARTNER needs loa-high
NO_GROUP = ("gunnar", {"oid": "5d1c-oid-gunnar", "groups": ["other-group"], "name": "Gunnar"})
USERS = {
    TRAINEE[0]: {"acr": "idporten-loa-substantial", "claims": TRAINEE[1]},
    LOW_ACR[0]: {"acr": "idporten-loa-low", "claims": LOW_ACR[1]},
    UNLINKED[0]: {"acr": "idporten-loa-high", "claims": UNLINKED[1]},
    COORDINATOR[0]: {"acr": "idporten-loa-substantial", "claims": COORDINATOR[1]},
    NO_GROUP[0]: {"acr": "idporten-loa-substantial", "claims": NO_GROUP[1]},
    PARTNER[0]: {
        "acr": "idporten-loa-substantial",
        "reachable": ["idporten-loa-substantial", "idporten-loa-high"],
        "claims": PARTNER[1],
    },
}
# The clients that authenticate with a signed JWT (private_key_jwt) instead of a secret.
JWT_CLIENTS = ("idportenjwt", "idportenjwtpar")


def client_key_pair(folder: Path) -> tuple[Path, dict]:
    """A fresh RSA key for the private_key_jwt clients: the private JWK written to a file
    (mbtrain's providers file points at it) and the public JWKS (the provider's registration)."""
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, parameters={"kid": "mbtrain-test-client", "use": "sig"})
    path = folder / "client-key.jwk"
    path.write_text(json.dumps(key.as_dict(private=True)))
    return path, {"keys": [key.as_dict(private=False)]}


def client(name: str, base_url: str, jwks: dict | None = None) -> dict:
    """The registration of mbtrain's client ``name`` at the provider; with ``jwks`` it
    authenticates with a JWT signed by the key (private_key_jwt), else with the secret."""
    auth = {"client_secret": SECRET, "token_endpoint_auth_method": "client_secret_basic"}
    if jwks is not None:
        auth = {"jwks": jwks, "token_endpoint_auth_method": "private_key_jwt"}
    return {
        "client_id": f"mbtrain-{name}",
        **auth,
        "redirect_uris": [f"{base_url}/innlogging/{name}/svar"],
        "post_logout_redirect_uris": [f"{base_url}/logg-inn"],
        "backchannel_logout_uri": f"{base_url}/utlogging/{name}/backchannel",
        "backchannel_logout_session_required": True,
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        "scope": "openid profile",
    }


@contextmanager
def provider(
    folder: Path, clients: list[dict], *, par_required: bool = False, port: int = 0
) -> Iterator[str]:
    """The provider on a free loopback port; yields its issuer URL."""
    config = folder / f"provider-{'par' if par_required else 'plain'}.json"
    config.write_text(
        json.dumps({"port": port, "par_required": par_required, "clients": clients, "users": USERS})
    )
    process = subprocess.Popen(  # noqa: S603 - our own script
        [NODE, str(HERE / "provider.mjs"), str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        if not line.startswith("READY "):
            raise RuntimeError(f"the test provider did not start: {line!r}")
        yield line.removeprefix("READY ")
    finally:
        process.terminate()
        process.wait(10)
        process.stdout.close()


def providers_toml(
    issuer: str, par_issuer: str, dead_url: str, private_key: Path | None = None
) -> str:
    """MBTRAIN_OIDC_PROVIDERS for the tests: the two kinds, one pushing its requests because
    its provider requires it, one whose provider is down, and with ``private_key`` the two
    ID-porten clients that authenticate with it (one of them at the provider requiring PAR)."""

    def block(name: str, kind: str, url: str, extra: str, key: Path | None = None) -> str:
        auth = f'client_secret = "{SECRET}"\nclient_auth = "client_secret_basic"\n'
        if key is not None:
            auth = f'private_key = "{key}"\nclient_auth = "private_key_jwt"\n'
        return (
            f'[providers.{name}]\nkind = "{kind}"\n'
            f'discovery_url = "{url}/.well-known/openid-configuration"\n'
            f'client_id = "mbtrain-{name}"\n{auth}scopes = ["openid", "profile"]\n'
            f"timeout = 3\n{extra}\n"
        )

    idporten = (
        'roles = ["TRAINEE", "PARTNER"]\nmin_acr = "idporten-loa-substantial"\n'
        '[providers.{name}.role_acr]\nPARTNER = "idporten-loa-high"\n'
    )
    entra = (
        'roles = ["ADMIN", "COORDINATOR", "INSTRUCTOR"]\n'
        f'[providers.entra.groups]\n"{COORDINATOR_GROUP}" = '
        f'{{ role = "COORDINATOR", counties = ["{COUNTY}"] }}\n'
    )
    return (
        '[password]\nroles = ["ADMIN", "COORDINATOR", "INSTRUCTOR", "PARTNER", "TRAINEE"]\n\n'
        + block("idporten", "idporten", issuer, idporten.format(name="idporten"))
        + block("entra", "entra", issuer, entra)
        + block("idportenpar", "idporten", par_issuer, idporten.format(name="idportenpar"))
        + block("nede", "idporten", dead_url, 'roles = ["TRAINEE"]\n')
        + "".join(
            block(name, "idporten", url, idporten.format(name=name), private_key)
            for name, url in zip(JWT_CLIENTS, (issuer, par_issuer), strict=True)
            if private_key is not None
        )
    )


def demo_toml(issuer: str) -> str:
    """The demo's providers file: the two kinds on the local provider, passwords for all."""
    return "\n".join(providers_toml(issuer, issuer, issuer).split("[providers.idportenpar]")[:1])


def seed(database_url: str, data_dir: Path) -> dict[str, str]:
    """Migrate; a trainee invited (the invitation's token is returned), a trainee linked at a
    low level, a coordinator linked to her Entra oid, and one linked without mapped groups."""
    from flask_migrate import upgrade

    from mbtrain import create_app
    from mbtrain.accounts import services as accounts
    from mbtrain.accounts.models import Role, TokenPurpose
    from mbtrain.builders import Factory, county
    from mbtrain.extensions import db
    from mbtrain.oidc.services import link_login

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "DATA_DIR": data_dir,
            "SECRET_KEY": "oidc-seed-key-" + "o" * 32,
            "OIDC_SUBJECT_KEY": SUBJECT_KEY,
            "SMTP_URL": "",
        }
    )
    with app.app_context():
        upgrade()
        factory = Factory(county(COUNTY))
        tora = factory.user(
            Role.TRAINEE, email="tora@example.net", name="Tora Deltaker", password=None
        )
        token = accounts.issue_link(TokenPurpose.INVITATION, tora.email, tora)
        lars = factory.user(
            Role.TRAINEE, email="lars@example.net", name="Lars Lavnivå", password=None
        )
        nora = factory.user(
            Role.COORDINATOR, email="nora@nav.example", name="Nora NAV", password=None
        )
        pia = factory.user(
            Role.PARTNER, email="pia@partner.example", name="Pia Partner", password=None
        )
        link_login(pia, "idporten", PARTNER[1]["pid"])
        gunnar = factory.user(
            Role.INSTRUCTOR, email="gunnar@nav.example", name="Gunnar", password=None
        )
        for provider in ("idporten", "idportenpar"):
            link_login(lars, provider, LOW_ACR[1]["pid"])
        for provider in ("idportenpar", *JWT_CLIENTS):
            link_login(tora, provider, TRAINEE[1]["pid"])
        link_login(nora, "entra", COORDINATOR[1]["oid"])
        link_login(gunnar, "entra", NO_GROUP[1]["oid"])
        db.session.commit()
    return {"invitation": token}
