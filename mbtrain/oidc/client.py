"""The relying party's side of the protocol, on Authlib's Flask client.

``begin`` makes the authorization request (PKCE S256, state, nonce, acr_values; pushed first
when the provider asks for PAR or the configuration says so); ``finish`` checks the state,
exchanges the code with the verifier and validates the ID token (signature against the
provider's keys, iss, aud, exp, iat, nonce) and its ``acr``. ``logout_claims`` validates a
back-channel logout token. A provider that cannot be reached raises ``ProviderDown``.
"""

import secrets
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from authlib.integrations.flask_client import OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from flask import Flask, current_app
from flask_babel import gettext as _
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from mbtrain.config import ConfigError
from mbtrain.errors import Refused
from mbtrain.oidc.providers import LoginSettings, Provider, load_login_settings

BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_MAX_AGE = 300  # seconds: an older logout token is refused
LEEWAY = 60


class ProviderDown(Exception):
    """The provider did not answer, or answered something that is not OpenID Connect."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(provider.name)
        self.provider = provider


class LoginRefused(Refused):
    """The provider's answer does not let this person in; the message says why, and whom to ask.
    ``retry_acr``: the level a new login must ask for, when only the level was too low."""

    status = 403

    def __init__(self, message: str = "", *, retry_acr: str | None = None) -> None:
        super().__init__(message)
        self.retry_acr = retry_acr


def init_app(app: Flask) -> None:
    settings = load_login_settings(app.config.get("OIDC_PROVIDERS_FILE"))
    oauth = OAuth(app)
    for provider in settings.providers.values():
        _register(oauth, provider)
    app.extensions["mbtrain_login"] = settings
    app.extensions["mbtrain_oauth"] = oauth


def _register(oauth: OAuth, provider: Provider) -> None:
    kwargs: dict[str, Any] = {
        "scope": " ".join(provider.scopes),
        "code_challenge_method": "S256",
        "token_endpoint_auth_method": provider.client_auth,
        "default_timeout": provider.timeout,
    }
    auth_methods = None
    secret = provider.client_secret
    if provider.client_auth == "private_key_jwt":
        auth_methods = [PrivateKeyJWT()]
        secret = provider.private_key
    oauth.register(
        provider.name,
        client_id=provider.client_id,
        client_secret=secret,
        server_metadata_url=provider.discovery_url,
        client_kwargs=kwargs,
        client_auth_methods=auth_methods,
    )


def settings() -> LoginSettings:
    return current_app.extensions["mbtrain_login"]


def provider_named(name: str) -> Provider | None:
    return settings().providers.get(name)


def providers_for(role) -> list[Provider]:
    return [p for p in settings().providers.values() if role in p.roles]


def _app(provider: Provider):
    return current_app.extensions["mbtrain_oauth"].create_client(provider.name)


def metadata(provider: Provider) -> dict[str, Any]:
    try:
        meta = _app(provider).load_server_metadata()
    except (requests.RequestException, ValueError) as error:
        raise ProviderDown(provider) from error
    if not meta.get("issuer") or not meta.get("authorization_endpoint"):
        _app(provider).server_metadata.pop("_loaded_at", None)
        raise ProviderDown(provider)
    return meta


def begin(provider: Provider, redirect_uri: str, acr: str | None) -> tuple[str, dict[str, str]]:
    """The address to send the browser to, and what the callback must find in the session."""
    meta = metadata(provider)
    client = _app(provider)
    extra = {"acr_values": acr} if acr else {}
    state = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    made = client.create_authorization_url(redirect_uri, state=state, nonce=nonce, **extra)
    flow = {"state": made["state"], "nonce": made["nonce"], "verifier": made["code_verifier"]}
    flow["redirect_uri"] = redirect_uri
    if provider.par or meta.get("require_pushed_authorization_requests"):
        return _pushed(provider, meta, made["url"]), flow
    return made["url"], flow


def _pushed(provider: Provider, meta: dict[str, Any], url: str) -> str:
    """RFC 9126: post the request's parameters with the client's authentication, then send
    the browser with only the request_uri (Authlib does not push requests itself)."""
    endpoint = meta.get("pushed_authorization_request_endpoint")
    if not endpoint:
        raise ConfigError(f"{provider.name}: PAR asked for, but the provider has no PAR endpoint")
    params = dict(parse_qsl(urlsplit(url).query))
    client = _app(provider)
    try:
        with client._get_oauth_client(**meta) as session:
            # private_key_jwt: the auth adds client_assertion and its type itself (a second
            # client_assertion_type would make the provider refuse the push).
            auth = session.client_auth(provider.client_auth)
            response = session.post(
                endpoint, data=params, auth=auth, withhold_token=True, timeout=provider.timeout
            )
        response.raise_for_status()
        request_uri = response.json()["request_uri"]
    except (requests.RequestException, ValueError, KeyError) as error:
        raise ProviderDown(provider) from error
    query = urlencode({"client_id": provider.client_id, "request_uri": request_uri})
    return f"{meta['authorization_endpoint']}?{query}"


def finish(provider: Provider, flow: dict[str, str] | None, args: dict[str, str]) -> dict:
    """The validated ID token's claims, with the raw token under ``_id_token``."""
    if (
        not flow
        or not args.get("state")
        or not secrets.compare_digest(flow["state"], args["state"])
    ):
        raise LoginRefused(
            _("Innloggingen kunne ikke fullføres (ukjent eller gammel forespørsel). Prøv igjen.")
        )
    if args.get("error"):
        raise LoginRefused(_("Innloggingen ble avbrutt hos %(provider)s.", provider=provider.label))
    if not args.get("code"):
        raise LoginRefused(_("Innloggingen kunne ikke fullføres. Prøv igjen."))
    client = _app(provider)
    metadata(provider)
    try:
        token = client.fetch_access_token(
            flow["redirect_uri"], code=args["code"], code_verifier=flow["verifier"]
        )
    except requests.RequestException as error:
        raise ProviderDown(provider) from error
    except Exception as error:  # Authlib's OAuthError: the provider refused the code
        raise LoginRefused(_("Innloggingen kunne ikke fullføres. Prøv igjen.")) from error
    try:
        claims = client.parse_id_token(token, nonce=flow["nonce"], leeway=LEEWAY)
    except requests.RequestException as error:
        raise ProviderDown(provider) from error
    except (JoseError, ValueError, KeyError) as error:
        raise LoginRefused(_("Svaret fra innloggingstjenesten var ikke gyldig.")) from error
    audience = claims.get("aud") if claims is not None else None
    if claims is None or provider.client_id not in (
        audience if isinstance(audience, list) else [audience]
    ):
        raise LoginRefused(_("Svaret fra innloggingstjenesten var ikke gyldig."))
    return {**claims, "_id_token": token["id_token"]}


def check_acr(provider: Provider, claims: dict, required: str | None) -> None:
    """A client must not trust that it got the level it asked for: the returned acr decides."""
    if not provider.acr_sufficient(claims.get("acr"), required):
        raise LoginRefused(
            _(
                "Innloggingen hadde for lavt sikkerhetsnivå for denne tjenesten. "
                "Logg inn på nytt med et høyere nivå (for eksempel BankID)."
            ),
            retry_acr=required,
        )


def logout_url(provider: Provider, id_token: str | None, after: str) -> str | None:
    """RP-initiated logout at the provider, or None when it offers none or cannot be reached."""
    try:
        meta = metadata(provider)
    except ProviderDown:
        return None
    if not meta.get("end_session_endpoint"):
        return None
    made = _app(provider).create_logout_url(
        post_logout_redirect_uri=after, id_token_hint=id_token, client_id=provider.client_id
    )
    return made["url"]


def _keys(provider: Provider, force: bool = False) -> KeySet:
    try:
        return KeySet.import_key_set(_app(provider).fetch_jwk_set(force=force))
    except (requests.RequestException, ValueError) as error:
        raise ProviderDown(provider) from error


def logout_claims(provider: Provider, token: str, now: float) -> dict[str, Any]:
    """A back-channel logout token's claims, validated as OpenID Connect Back-Channel Logout
    1.0 §2.6 says: signature, iss, aud, iat, the event, sid or sub, no nonce. ``ValueError``
    says what is wrong. (Whether its jti was seen before is the caller's check.)"""
    meta = metadata(provider)
    registry = JWSRegistry(algorithms=meta.get("id_token_signing_alg_values_supported"))
    try:
        try:
            decoded = jwt.decode(token, _keys(provider), registry=registry)
        except InvalidKeyIdError:  # the provider may have rolled its keys: fetch them again
            decoded = jwt.decode(token, _keys(provider, force=True), registry=registry)
    except (JoseError, ValueError) as error:
        raise ValueError(f"signature: {error}") from error
    claims = decoded.claims
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    events = claims.get("events")
    problems = [
        claims.get("iss") != meta["issuer"] and "iss",
        provider.client_id not in audiences and "aud",
        not isinstance(claims.get("iat"), int | float) and "iat",
        isinstance(claims.get("iat"), int | float)
        and not (now - LOGOUT_TOKEN_MAX_AGE <= claims["iat"] <= now + LEEWAY)
        and "iat (too old or in the future)",
        isinstance(claims.get("exp"), int | float) and claims["exp"] < now - LEEWAY and "exp",
        not (isinstance(events, dict) and isinstance(events.get(BACKCHANNEL_EVENT), dict))
        and "events",
        not (claims.get("sid") or claims.get("sub")) and "sid or sub",
        "nonce" in claims and "nonce (not allowed)",
        not claims.get("jti") and "jti",
    ]
    wrong = [p for p in problems if p]
    if wrong:
        raise ValueError("logout token: " + ", ".join(wrong))
    return claims
