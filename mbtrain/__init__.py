"""mbtrain: running the MB-opplæring, from intake to certificate."""

import importlib
import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from mbtrain import concurrency, filters, http, i18n, jobs, navigation, policy, web
from mbtrain.config import check_production, ensure_secret_key, load_settings
from mbtrain.extensions import csrf, db, limiter, login_manager, migrate
from mbtrain.ids import BoundedIntegerConverter
from mbtrain.oidc import client as oidc_client
from mbtrain.resources import resource_dir

# Every model module, so that the metadata (and Alembic) always sees the whole schema.
MODELS = (
    "mbtrain.organisations.models",
    "mbtrain.accounts.models",
    "mbtrain.oidc.models",
    "mbtrain.audit.models",
    "mbtrain.mail.models",
    "mbtrain.curriculum.models",
    "mbtrain.people.models",
    "mbtrain.cohorts.models",
    "mbtrain.enrolments.models",
    "mbtrain.idempotency",
    "mbtrain.schedule.models",
    "mbtrain.attendance.models",
    "mbtrain.assessments.models",
    "mbtrain.placements.models",
    "mbtrain.certificates.models",
    "mbtrain.outcomes.models",
    "mbtrain.reports.models",
)
BLUEPRINTS = (
    "mbtrain.home.views",
    "mbtrain.accounts.views",
    "mbtrain.oidc.views",
    "mbtrain.organisations.views",
    "mbtrain.mail.views",
    "mbtrain.audit.views",
    "mbtrain.own_data.views",
    "mbtrain.curriculum.views",
    "mbtrain.cohorts.views",
    "mbtrain.enrolments.views",
    "mbtrain.assessments.views",
    "mbtrain.progress.views",
    "mbtrain.schedule.views",
    "mbtrain.attendance.views",
    "mbtrain.placements.views",
    "mbtrain.offers.views",
    "mbtrain.partner.views",
    "mbtrain.followup.views",
    "mbtrain.certificates.views",
    "mbtrain.outcomes.views",
    "mbtrain.reports.views",
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(resource_dir("templates")),
        static_folder="static",
    )
    app.url_map.converters["int"] = BoundedIntegerConverter  # before any route is added
    app.config.update(load_settings())
    app.config.update(config or {})
    ensure_secret_key(app.config)
    check_production(app.config)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(resource_dir("migrations")), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    i18n.init_app(app)
    filters.init_app(app)
    http.init_app(app)
    concurrency.init_app(app)
    jobs.init_app(app)
    oidc_client.init_app(app)
    if app.config.get("PROXY_HOPS"):
        # Only behind proxies we were told about: otherwise X-Forwarded-For is the client's word.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    for module_name in MODELS:
        importlib.import_module(module_name)
    for module_name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(module_name).bp)

    web.init_app(app)  # after the blueprints: it wraps every view in the request's transaction
    app.before_request(enforce_policy)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        can=policy.can,
        may_manage_county=policy.may_manage_county,
        may_see_part=policy.may_see_part,
        nav_links=navigation.nav_links,
    )
    return app


def enforce_policy():
    """Deny by default: an endpoint must be in the policy table, and the role must fit it."""
    if request.endpoint is None:
        return None  # no route matched; Flask answers 404 or 405
    rule = policy.rule_for(request.endpoint)
    if rule is None:
        logging.getLogger(__name__).error("endpoint %s has no policy", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if current_user.role not in rule.roles:
        abort(403)
    return None
