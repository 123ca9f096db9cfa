from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from mbtrain.accounts import services
from mbtrain.accounts.forms import (
    ChangePasswordForm,
    EditUserForm,
    ForgotPasswordForm,
    InviteUserForm,
    LoginForm,
    SetPasswordForm,
)
from mbtrain.accounts.models import Role, TokenPurpose, User
from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.concurrency import check_version
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db, limiter, login_manager
from mbtrain.forms import choices
from mbtrain.http import safe_next
from mbtrain.organisations.models import County, Organisation

bp = Blueprint("accounts", __name__)

login_manager.login_view = "accounts.login"
login_manager.login_message = None
login_manager.session_protection = None  # the server-side session row does this job


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    auth_session = services.load_session(user_id, session.get("sid"))
    if auth_session is None:
        return None
    if services.touch_session(auth_session):
        db.session.commit()
    return auth_session.user


def _login_limit_per_address() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 10 minutes")


def _login_limit_per_account() -> str:
    return current_app.config.get("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes")


def _login_account_key() -> str:
    return "account:" + services.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/logg-inn", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_address, methods=["POST"], deduct_when=_failed)
@limiter.limit(
    _login_limit_per_account, methods=["POST"], key_func=_login_account_key, deduct_when=_failed
)
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            token = services.start_session(user)
            db.session.commit()
            session.clear()  # a new identity at login: nothing carried over (no fixation)
            session["sid"] = token
            login_user(user)
            return redirect(safe_next(form.next.data))
        flash(_("Feil e-post eller passord."), "error")
    return render_template("accounts/login.html", form=form)


@bp.post("/logg-ut")
def logout():
    services.revoke_session(session.get("sid"))
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Du er logget ut."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/glemt-passord", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_address, methods=["POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.get_user_by_email(form.email.data)
        if user is not None and user.active:
            token = services.issue_link(TokenPurpose.PASSWORD_RESET, user.email, user)
            services.send_link_mail(user, token, TokenPurpose.PASSWORD_RESET)
            db.session.commit()
        flash(_("Hvis adressen hører til en konto, har vi sendt en lenke dit."), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot_password.html", form=form)


@bp.route("/lenke/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_address, methods=["POST"])
def use_link(token: str):
    try:
        link = services.find_link(token, [TokenPurpose.INVITATION, TokenPurpose.PASSWORD_RESET])
    except services.LinkInvalid as error:
        return render_template("accounts/link_invalid.html", message=str(error)), 410
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            services.complete_link(token, form.password.data)
        except services.LinkInvalid as error:
            return render_template("accounts/link_invalid.html", message=str(error)), 410
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Passordet er lagret. Logg inn med det nye passordet."), "success")
            return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, purpose=link.purpose)


@bp.route("/konto/passord", methods=["GET", "POST"])
@limiter.limit(_login_limit_per_address, methods=["POST"], deduct_when=_failed)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if services.authenticate(current_user.email, form.current.data) is None:
            form.current.errors.append(_("Passordet stemmer ikke."))
        else:
            services.set_password(current_user, form.password.data)
            session["sid"] = services.start_session(current_user)  # others are logged out
            db.session.commit()
            flash(_("Passordet er endret. Du er logget ut på alle andre enheter."), "success")
            return redirect(url_for("home.index"))
    return render_template("accounts/change_password.html", form=form)


def _fill_scope_choices(form) -> None:
    counties = db.session.scalars(select(County).order_by(County.name)).all()
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    form.counties.choices = choices((county.id, county.name) for county in counties)
    form.organisation.choices = choices(
        [(0, _("Ingen"))] + [(org.id, org.name) for org in organisations]
    )


def _chosen_scope(form) -> tuple[list[County], Organisation | None]:
    counties = db.session.scalars(
        select(County).where(County.id.in_(form.counties.data or []))
    ).all()
    organisation = db.session.get(Organisation, form.organisation.data or 0)
    return list(counties), organisation


@bp.get("/admin/brukere")
def user_list():
    users = db.session.scalars(select(User).order_by(User.role, User.name)).all()
    record_access(AccessAction.VIEW, object_type="user_list", object_id=None, purpose="ADMIN")
    db.session.commit()
    return render_template("accounts/user_list.html", users=users)


@bp.route("/admin/brukere/ny", methods=["GET", "POST"])
def invite_user():
    form = InviteUserForm()
    _fill_scope_choices(form)
    if form.validate_on_submit():
        counties, organisation = _chosen_scope(form)
        try:
            user = services.create_user(
                email=form.email.data,
                name=form.name.data,
                role=Role(form.role.data),
                counties=counties,
                organisation=organisation,
            )
        except services.AccountError as error:
            form.form_errors.append(str(error))
        else:
            token = services.issue_link(TokenPurpose.INVITATION, user.email, user)
            services.send_link_mail(user, token, TokenPurpose.INVITATION)
            record_access(
                AccessAction.CREATE,
                object_type="user",
                object_id=user.id,
                subject_user_id=user.id,
                purpose="ADMIN",
            )
            db.session.commit()
            flash(_("Invitasjonen er sendt til %(email)s.", email=user.email), "success")
            return redirect(url_for("accounts.user_list"))
    return render_template("accounts/invite_user.html", form=form)


@bp.route("/admin/brukere/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user, role=user.role.value)
    _fill_scope_choices(form)
    if request.method == "GET":
        # obj= wins over role=: without this the page marked no role as chosen, and the
        # browser sent the first one (administrator) when only the name was corrected.
        form.role.data = user.role.value
        form.counties.data = sorted(user.county_ids)
        form.organisation.data = user.organisation_id or 0
    status = 200
    if form.validate_on_submit():
        counties, organisation = _chosen_scope(form)
        try:
            check_version(user.version, form.version.data)
            services.update_user(
                user,
                name=form.name.data,
                role=Role(form.role.data),
                active=form.active.data,
                counties=counties,
                organisation=organisation,
            )
        except (StaleEdit, services.AccountError) as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            if isinstance(error, StaleEdit):
                form.version.data, status = user.version, 409
        else:
            record_access(
                AccessAction.UPDATE,
                object_type="user",
                object_id=user.id,
                subject_user_id=user.id,
                purpose="ADMIN",
            )
            db.session.commit()
            flash(_("Endringene er lagret."), "success")
            return redirect(url_for("accounts.user_list"))
    record_access(
        AccessAction.VIEW,
        object_type="user",
        object_id=user.id,
        subject_user_id=user.id,
        purpose="ADMIN",
    )
    db.session.commit()
    return render_template(
        "accounts/edit_user.html", form=form, user=user, conflict=status == 409
    ), status
