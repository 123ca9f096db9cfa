"""Logging in and out through an OpenID provider: the start, the provider's answer, and the
provider's own logout messages (back-channel and front-channel)."""

import time

from flask import Blueprint, abort, jsonify, redirect, render_template, request, session, url_for

from mbtrain.accounts import access
from mbtrain.accounts.services import LinkInvalid
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.extensions import csrf, db, limiter
from mbtrain.http import safe_next
from mbtrain.oidc import client, services
from mbtrain.oidc.client import LoginRefused, ProviderDown
from mbtrain.oidc.providers import Provider
from mbtrain.web import refuse

bp = Blueprint("oidc", __name__)
FLOW = "oidc_flow"


def _provider(name: str) -> Provider:
    provider = client.provider_named(name)
    if provider is None:
        abort(404)
    return provider


@bp.errorhandler(ProviderDown)
def _provider_down(error: ProviderDown):
    return render_template("oidc/provider_down.html", provider=error.provider), 503


@bp.get("/innlogging/<name>")
@limiter.limit("30 per minute")
def start(name: str):
    provider = _provider(name)
    redirect_uri = url_for("oidc.callback", name=provider.name, _external=True)
    url, flow = client.begin(provider, redirect_uri, _asked_acr(provider))
    invitation = request.args.get("invitasjon", "")[:100] or None
    session[FLOW] = {
        **flow,
        "provider": provider.name,
        "next": safe_next(request.args.get("next")),
        "invitation": invitation,
    }
    return redirect(url)


def _asked_acr(provider: Provider) -> str | None:
    """The level to ask the provider for: the provider's own, or a higher one the refusal page
    offers (``?niva=``); never a lower one, and only one of the provider's levels."""
    asked = request.args.get("niva")
    if asked in provider.acr_levels and provider.acr_sufficient(asked, provider.min_acr):
        return asked
    return provider.min_acr


@bp.get("/innlogging/<name>/svar")
@limiter.limit("30 per minute")
def callback(name: str):
    provider = _provider(name)
    flow = session.pop(FLOW, None)
    if flow is not None and flow.get("provider") != provider.name:
        flow = None
    try:
        with db.session.begin_nested():  # a refusal leaves nothing behind: no link, no session
            claims = client.finish(provider, flow, request.args.to_dict())
            user = services.identify(provider, claims, flow.get("invitation"))
            access.sign_in(
                user,
                provider=provider.name,
                provider_sid=claims.get("sid"),
                provider_sub=claims.get("sub"),
                id_token=claims["_id_token"],
            )
    except (LoginRefused, LinkInvalid) as refusal:
        record_access(
            AccessAction.LOGIN_REFUSED,
            object_type="login",
            object_id=None,
            purpose="LOGIN",
            actor_note=provider.name,
        )
        refuse(403)
        retry = None
        if getattr(refusal, "retry_acr", None) and flow is not None:
            retry = url_for(
                "oidc.start",
                name=provider.name,
                niva=refusal.retry_acr,
                next=flow.get("next"),
                invitasjon=flow.get("invitation"),
            )
        return render_template(
            "oidc/refused.html", message=str(refusal), provider=provider, retry=retry
        )
    navident = claims.get("NAVident")
    note = f"{provider.name}; NAVident {navident}" if navident else provider.name
    record_access(
        AccessAction.LOGIN,
        object_type="login",
        object_id=None,
        purpose="LOGIN",
        subject_user_id=user.id,
        actor_note=note,
    )
    return redirect(safe_next(flow.get("next")))


@bp.post("/utlogging/<name>/backchannel")
@csrf.exempt
@limiter.limit("60 per minute")
def backchannel(name: str):
    """OpenID Connect Back-Channel Logout 1.0: the provider posts a signed logout token."""
    provider = _provider(name)
    token = request.form.get("logout_token", "")
    try:
        claims = client.logout_claims(provider, token, time.time())
    except ValueError as error:
        return _backchannel_error(provider, str(error))
    if not services.first_use_of(provider, claims["jti"]):
        return _backchannel_error(provider, "logout token: jti seen before")
    ended = services.end_sessions(provider, sid=claims.get("sid"), sub=claims.get("sub"))
    record_access(
        AccessAction.LOGOUT,
        object_type="login",
        object_id=None,
        purpose="LOGIN",
        actor_note=f"{provider.name}; back-channel; {ended}",
    )
    response = jsonify({})
    response.headers["Cache-Control"] = "no-store"
    return response


def _backchannel_error(provider: Provider, reason: str):
    record_access(
        AccessAction.LOGIN_REFUSED,
        object_type="login",
        object_id=None,
        purpose="LOGIN",
        actor_note=f"{provider.name}; back-channel refused",
    )
    response = jsonify({"error": "invalid_request", "error_description": reason})
    response.status_code = 400
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/utlogging/<name>/frontchannel")
def frontchannel(name: str):
    """OpenID Connect Front-Channel Logout 1.0: the provider's page loads this with iss+sid."""
    provider = _provider(name)
    issuer = client.metadata(provider)["issuer"]
    sid = request.args.get("sid", "")[:255]
    if request.args.get("iss") != issuer or not sid:
        abort(400)
    ended = services.end_sessions(provider, sid=sid, sub=None)
    record_access(
        AccessAction.LOGOUT,
        object_type="login",
        object_id=None,
        purpose="LOGIN",
        actor_note=f"{provider.name}; front-channel; {ended}",
    )
    return render_template("oidc/logged_out.html")


@bp.get("/utlogging")
def provider_logout():
    """After our logout: on to the provider's, to end the login there too (RP-initiated)."""
    url = session.pop("logout_at", None)
    if not url:
        return redirect(url_for("accounts.login"))
    return render_template("oidc/provider_logout.html", url=url)
