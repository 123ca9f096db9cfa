from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.accounts import access, services, throttle
from mbtrain.accounts.forms import (
    ChangePasswordForm,
    EditUserForm,
    ForgotPasswordForm,
    InviteUserForm,
    LoginForm,
    SetPasswordForm,
)
from mbtrain.accounts.models import User
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change, log_view
from mbtrain.errors import StaleEdit
from mbtrain.extensions import limiter, login_manager
from mbtrain.http import public_url, safe_next
from mbtrain.oidc import client as oidc_client
from mbtrain.web import attempt

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None
login_manager.session_protection = None  # the server-side session row does this job
login_manager.user_loader(access.load_user)


@bp.errorhandler(services.LinkInvalid)
def _link_invalid(error: services.LinkInvalid):
    """A link that no longer works says why, and where to get a new one (410 Gone)."""
    return render_template("accounts/link_invalid.html", message=str(error)), 410


@bp.route("/logg-inn", methods=["GET", "POST"])
@limiter.limit(throttle.limit_per_address, methods=["POST"], deduct_when=throttle.failed)
@limiter.limit(
    throttle.limit_per_account_and_address,
    methods=["POST"],
    key_func=throttle.account_and_address_key,
    deduct_when=throttle.failed,
)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        if (user := services.authenticate(form.email.data, form.password.data)) is not None:
            access.sign_in(user)
            return redirect(safe_next(form.next.data))
        throttle.note_failure(form.email.data)
        flash(_("Feil e-post eller passord."), "error")
    providers = list(oidc_client.settings().providers.values())
    return render_template("accounts/login.html", form=form, providers=providers)


@bp.post("/logg-ut")
def logout():
    ending = access.current_session()
    provider = oidc_client.provider_named(ending.provider) if ending and ending.provider else None
    id_token = ending.id_token if ending else None
    access.sign_out()
    flash(_("Du er logget ut."), "info")
    if provider is not None:  # RP-initiated logout: the provider's session ends too
        after = public_url("accounts.login")
        if url := oidc_client.logout_url(provider, id_token, after):
            # Through a page of ours: the CSP's form-action would stop this form's redirect
            # at the provider's address.
            session["logout_at"] = url
            return redirect(url_for("oidc.provider_logout"))
    return redirect(url_for("accounts.login"))


@bp.route("/glemt-passord", methods=["GET", "POST"])
@limiter.limit(throttle.limit_per_address, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.send_password_reset(form.email.data)
        flash(_("Hvis adressen hører til en konto, har vi sendt en lenke dit."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/lenke/<token>", methods=["GET", "POST"])
@limiter.limit(throttle.limit_per_address, methods=["POST"])
def use_link(token: str):
    link = access.load_link(token)
    form = SetPasswordForm()
    if form.validate_on_submit():  # the form checks the password rules the service has
        services.complete_link(token, form.password.data)  # spent meanwhile: LinkInvalid
        flash(_("Passordet er lagret. Logg inn med det nye passordet."), "success")
        return redirect(url_for("accounts.login"))
    role = link.user.role if link.user else None
    return render_template(
        "accounts/set_password.html",
        form=form,
        purpose=link.purpose,
        token=token,
        providers=oidc_client.providers_for(role) if link.purpose.value == "INVITATION" else [],
        password_allowed=role is None or services.password_allowed(role),
    )


@bp.route("/konto/passord", methods=["GET", "POST"])
@limiter.limit(throttle.limit_per_address, methods=["POST"], deduct_when=throttle.failed)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and (
        changed := attempt(form, services.change_password, current_user, **form.passwords())
    ):
        session["sid"] = changed.value  # this device's new session; every other one ended
        flash(_("Passordet er endret. Du er logget ut på alle andre enheter."), "success")
        return redirect(url_for("home.index"))
    return render_template("accounts/change_password.html", form=form)


@bp.get("/admin/brukere")
def user_list():
    log_view("user_list", "ADMIN")
    return render_template("accounts/user_list.html", users=services.all_users())


@bp.route("/admin/brukere/ny", methods=["GET", "POST"])
def invite_user():
    form = InviteUserForm()
    if form.validate_on_submit() and (
        done := attempt(form, services.invite_user, **form.account())
    ):
        log_change(done.value, "ADMIN", action=AccessAction.CREATE)
        flash(
            _("Invitasjonen til %(email)s er lagt i kø for sending.", email=done.value.email),
            "success",
        )
        return redirect(url_for("accounts.user_list"))
    return render_template("accounts/invite_user.html", form=form)


@bp.route("/admin/brukere/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = access.load_account(user_id)
    form = EditUserForm.opened_on(user)
    if form.validate_on_submit() and attempt(form, services.update_user, user, **form.account()):
        log_change(user, "ADMIN")
        flash(_("Endringene for %(name)s er lagret.", name=user.name), "success")
        return redirect(url_for("accounts.user_list"))
    return _edit_page(user, form)


def _edit_page(user: User, form: EditUserForm):
    """The account as saved, with the form; after a stale save, the form on today's version."""
    conflict = isinstance(getattr(form, "refused", None), StaleEdit)
    if conflict:
        form.version.data = user.version
    log_view(user, "ADMIN")
    return render_template("accounts/edit_user.html", form=form, user=user, conflict=conflict)
