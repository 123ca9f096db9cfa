from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mbtrain.audit.models import AccessAction
from mbtrain.audit.services import log_change
from mbtrain.errors import StaleEdit
from mbtrain.organisations import access, services
from mbtrain.organisations.forms import (
    ContactForm,
    EditOrganisationForm,
    InvitePartnerForm,
    OrganisationForm,
)
from mbtrain.organisations.models import Organisation
from mbtrain.web import attempt, submitted

bp = Blueprint("organisations", __name__, url_prefix="/organisasjoner")


@bp.get("/")
def organisation_list():
    organisations = services.register()
    return render_template("organisations/list.html", organisations=organisations)


@bp.route("/ny", methods=["GET", "POST"])
def create_organisation():
    form = OrganisationForm(user=current_user)
    if form.validate_on_submit() and (
        created := attempt(form, services.create_organisation, current_user, **form.fields())
    ):
        flash(_("%(name)s er registrert.", name=created.value.name), "success")
        return redirect(url_for("organisations.organisation_list"))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>", methods=["GET", "POST"])
def edit_organisation(organisation_id: int):
    organisation = access.load_organisation(organisation_id)
    form = EditOrganisationForm.opened_on(organisation, current_user)
    if form.validate_on_submit() and attempt(
        form, services.update_organisation, organisation, current_user, **form.fields()
    ):
        flash(_("Endringene er lagret."), "success")
        return redirect(url_for("organisations.organisation_list"))
    return _page(organisation, form)


@bp.post("/<int:organisation_id>/kontaktpersoner")
def add_contact(organisation_id: int):
    organisation = access.load_organisation(organisation_id)
    contact_form = ContactForm()
    if submitted(contact_form):
        fields = contact_form.fields()
        services.add_contact(organisation, **fields)
        flash(_("%(name)s er lagt til som kontaktperson.", name=fields["name"].strip()), "success")
        return redirect(_section(organisation, "kontaktpersoner"))
    return _page(organisation, contact_form=contact_form)


@bp.post("/<int:organisation_id>/kontaktpersoner/<int:contact_id>/slett")
def remove_contact(organisation_id: int, contact_id: int):
    organisation, contact = access.load_contact(organisation_id, contact_id)
    name = contact.name
    services.remove_contact(contact)
    flash(_("%(name)s er fjernet som kontaktperson.", name=name), "success")
    return redirect(_section(organisation, "kontaktpersoner"))


@bp.route("/<int:organisation_id>/inviter", methods=["GET", "POST"])
def invite_partner(organisation_id: int):
    organisation = access.load_organisation(organisation_id)
    form = InvitePartnerForm()
    if submitted(form) and (
        done := attempt(form, services.invite_partner, organisation, **form.partner())
    ):
        log_change(done.value, "PLACEMENT", action=AccessAction.CREATE)
        flash(
            _("Invitasjonen til %(email)s er lagt i kø for sending.", email=done.value.email),
            "success",
        )
        return redirect(_section(organisation, "veiledere"))
    return render_template(
        "organisations/invite_partner.html", form=form, organisation=organisation
    )


def _page(
    organisation: Organisation,
    form: EditOrganisationForm | None = None,
    contact_form: ContactForm | None = None,
):
    """The organisation's page: its details, contact persons and praksisveiledere. After a
    stale save the form is put on the version now saved, which the page shows above it."""
    form = form or EditOrganisationForm.opened_on(organisation, current_user, sent=False)
    conflict = isinstance(getattr(form, "refused", None), StaleEdit)
    if conflict:
        form.version.data = organisation.version
    return render_template(
        "organisations/form.html",
        organisation=organisation,
        form=form,
        contact_form=contact_form or ContactForm(),
        partner_users=services.partner_users(organisation),
        conflict=conflict,
    )


def _section(organisation: Organisation, anchor: str) -> str:
    url = url_for("organisations.edit_organisation", organisation_id=organisation.id)
    return f"{url}#{anchor}"
