from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from stdnum.no import orgnr as stdnum_orgnr

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import record_access
from mbtrain.concurrency import check_version
from mbtrain.errors import StaleEdit
from mbtrain.extensions import db
from mbtrain.forms import choices
from mbtrain.organisations import services
from mbtrain.organisations.forms import (
    ContactForm,
    EditOrganisationForm,
    InvitePartnerForm,
    OrganisationForm,
)
from mbtrain.organisations.models import County, Organisation, OrganisationType
from mbtrain.policy import may_manage_county

bp = Blueprint("organisations", __name__, url_prefix="/organisasjoner")
# «919 985 003»: organisation numbers as Brønnøysundregistrene writes them.
bp.add_app_template_filter(stdnum_orgnr.format, "orgnr")


def _fill_choices(form: OrganisationForm, editing: Organisation | None = None) -> None:
    organisations = db.session.scalars(select(Organisation).order_by(Organisation.name)).all()
    counties = db.session.scalars(select(County).order_by(County.name)).all()
    form.parent.choices = choices(
        [(0, _("Ingen"))] + [(org.id, org.name) for org in organisations if org is not editing]
    )
    form.county.choices = choices(
        [(0, _("Ikke knyttet til ett fylke"))]
        + [
            (county.id, county.name)
            for county in counties
            if may_manage_county(current_user, county.id)
        ]
    )


def _save(form: OrganisationForm, organisation: Organisation | None) -> Organisation:
    county_id = form.county.data or None
    if not may_manage_county(current_user, county_id):
        raise services.OrganisationError(_("Velg et av dine fylker."), field="county")
    return services.save_organisation(
        organisation,
        name=form.name.data,
        orgnr=form.orgnr.data,
        type=OrganisationType(form.type.data),
        parent=db.session.get(Organisation, form.parent.data or 0),
        county=db.session.get(County, county_id or 0),
    )


def _show_error(form: OrganisationForm, error: services.OrganisationError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    (field.errors if field is not None else form.form_errors).append(str(error))


@bp.get("/")
def organisation_list():
    organisations = db.session.scalars(
        select(Organisation)
        .options(selectinload(Organisation.parent), selectinload(Organisation.county))
        .order_by(Organisation.name)
    ).all()
    return render_template("organisations/list.html", organisations=organisations)


@bp.route("/ny", methods=["GET", "POST"])
def create_organisation():
    form = OrganisationForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            organisation = _save(form, None)
        except services.OrganisationError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(_("%(name)s er registrert.", name=organisation.name), "success")
            return redirect(url_for("organisations.organisation_list"))
    return render_template("organisations/form.html", form=form, organisation=None)


def load_organisation(organisation_id: int) -> Organisation:
    """An organisation this user may manage (its county, or everything for admin); else 404."""
    organisation = db.get_or_404(Organisation, organisation_id)
    if not may_manage_county(current_user, organisation.county_id):
        abort(404)
    return organisation


@bp.route("/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = load_organisation(organisation_id)
    form = EditOrganisationForm(obj=organisation, type=organisation.type.value)
    _fill_choices(form, editing=organisation)
    if request.method == "GET":
        form.orgnr.data = organisation.orgnr_display
        # The form's obj= gives the enum member, which no option's string value equals.
        form.type.data = organisation.type.value
        form.parent.data = organisation.parent_id or 0
        form.county.data = organisation.county_id or 0
    status = 200
    if form.validate_on_submit():
        try:
            check_version(organisation.version, form.version.data)
            _save(form, organisation)
        except (StaleEdit, services.OrganisationError) as error:
            db.session.rollback()
            if isinstance(error, StaleEdit):
                form.form_errors.append(str(error))
                form.version.data, status = organisation.version, 409
            else:
                _show_error(form, error)
        else:
            db.session.commit()
            flash(_("Endringene er lagret."), "success")
            return redirect(url_for("organisations.organisation_list"))
    return _render_page(organisation, status, form=form, conflict=status == 409)


def _render_page(organisation: Organisation, status: int = 200, **context):
    """The organisation's page: its details, contact persons and praksisveiledere."""
    context.setdefault("contact_form", ContactForm())
    return render_template(
        "organisations/form.html",
        organisation=organisation,
        partner_users=services.partner_users(organisation),
        **context,
    ), status


def _edit_form(organisation: Organisation) -> EditOrganisationForm:
    form = EditOrganisationForm(formdata=None, obj=organisation, type=organisation.type.value)
    _fill_choices(form, editing=organisation)
    form.orgnr.data = organisation.orgnr_display
    form.type.data = organisation.type.value
    form.parent.data = organisation.parent_id or 0
    form.county.data = organisation.county_id or 0
    return form


@bp.post("/<int:organisation_id>/kontaktpersoner")
def add_contact(organisation_id: int):
    organisation = load_organisation(organisation_id)
    contact_form = ContactForm()
    if not contact_form.validate_on_submit():
        return _render_page(
            organisation, 400, form=_edit_form(organisation), contact_form=contact_form
        )
    services.add_contact(
        organisation,
        name=contact_form.name.data,
        email=contact_form.email.data or "",
        phone=contact_form.phone.data or "",
        role_title=contact_form.role_title.data or "",
    )
    db.session.commit()
    flash(_("Kontaktpersonen er lagt til."), "success")
    return redirect(
        url_for("organisations.edit_organisation", organisation_id=organisation.id)
        + "#kontaktpersoner"
    )


@bp.post("/<int:organisation_id>/kontaktpersoner/<int:contact_id>/slett")
def remove_contact(organisation_id: int, contact_id: int):
    organisation = load_organisation(organisation_id)
    try:
        services.remove_contact(organisation, contact_id)
    except services.OrganisationError:
        abort(404)
    db.session.commit()
    flash(_("Kontaktpersonen er fjernet."), "success")
    return redirect(
        url_for("organisations.edit_organisation", organisation_id=organisation.id)
        + "#kontaktpersoner"
    )


@bp.route("/<int:organisation_id>/inviter", methods=["GET", "POST"])
def invite_partner(organisation_id: int):
    organisation = load_organisation(organisation_id)
    form = InvitePartnerForm()
    if form.validate_on_submit():
        try:
            user = services.invite_partner(organisation, name=form.name.data, email=form.email.data)
        except services.OrganisationError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            record_access(
                AccessAction.CREATE,
                object_type="user",
                object_id=user.id,
                subject_user_id=user.id,
                purpose="PLACEMENT",
            )
            db.session.commit()
            flash(_("Invitasjonen er sendt til %(email)s.", email=user.email), "success")
            return redirect(
                url_for("organisations.edit_organisation", organisation_id=organisation.id)
                + "#veiledere"
            )
    return render_template(
        "organisations/invite_partner.html", form=form, organisation=organisation
    ), 400 if form.errors else 200
