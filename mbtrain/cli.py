"""The ``mbtrain`` command: Flask's CLI with the app's own commands added.

``mbtrain db upgrade`` (Flask-Migrate), ``mbtrain demo``, ``mbtrain serve``,
``mbtrain create-user`` and the curriculum commands.
"""

import logging
import os
import secrets
import socket
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select

from mbtrain import create_app
from mbtrain.accounts import services as accounts
from mbtrain.accounts.models import Role, TokenPurpose
from mbtrain.curriculum import loader as curriculum_loader
from mbtrain.curriculum import services as curriculum
from mbtrain.database import utcnow
from mbtrain.extensions import db
from mbtrain.i18n import today
from mbtrain.jobs import run_worker, worker_process
from mbtrain.maintenance.backup import BackupError, backup_database, restore_database
from mbtrain.maintenance.purge import CATEGORIES, ITEMS, purge
from mbtrain.maintenance.retention import RetentionPeriods, cutoffs
from mbtrain.organisations.models import County, Organisation

log = logging.getLogger(__name__)


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def main() -> None:
    """mbtrain: running the MB-opplæring."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int) -> None:
    """Serve the app with gunicorn (as in production)."""
    serve(host, port, workers)


def listening_url(host: str, port: int) -> str:
    """Where a server bound to ``host:port`` is reached: the base of links in e-mail and the
    one host it answers as (TRUSTED_HOSTS) when MBTRAIN_PUBLIC_URL is not set. Bound to every
    interface, it is reached by the machine's name."""
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 - naming the wildcard, not binding to it
        host = socket.getfqdn()
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"


def listening_config(host: str, port: int) -> dict[str, str]:
    """The listening address as the public URL, unless MBTRAIN_PUBLIC_URL names one."""
    return {} if os.environ.get("MBTRAIN_PUBLIC_URL") else {"PUBLIC_URL": listening_url(host, port)}


def serve(host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    config = listening_config(host, port)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("accesslog", "-")

        def load(self):
            return create_app(config)

    Server().run()


@main.command("worker")
@click.option("--threads", default=2, show_default=True, type=int)
@with_appcontext
def worker_command(threads: int) -> None:
    """Deliver the mail outbox and run the nightly jobs (a Huey consumer; runs until stopped)."""
    run_worker(threads)


@main.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the demo database and keys live (default: MBTRAIN_DATA_DIR).",
)
@click.option("--reset", is_flag=True, help="Start again from an empty database.")
@click.option("--no-serve", is_flag=True, help="Only build the demo data.")
@click.option(
    "--scale",
    type=click.Choice(["default", "national"]),
    default="default",
    show_default=True,
    help="national: add ten years of history in 15 counties (15,000 trainees) for the reports.",
)
def demo_command(
    host: str, port: int, data_dir: Path | None, reset: bool, no_serve: bool, scale: str
) -> None:
    """Build a database with realistic synthetic demo data and serve it."""
    from mbtrain import demo

    if data_dir is not None:
        os.environ["MBTRAIN_DATA_DIR"] = str(data_dir.resolve())
    app = create_app(listening_config(host, port))
    if app.config["ENV_NAME"] == "production":
        raise click.ClickException("The demo is not for production.")
    with app.app_context():
        if reset:
            demo.reset_database()
        upgrade()
        logins = demo.ensure_demo_data()
        db.session.commit()
        if scale == "national":
            build_national_demo()
        refresh_reports()
    url = f"http://{host}:{port}/"
    click.echo(demo.describe(logins, url, app.config["DATA_DIR"], serving=not no_serve))
    # Before the server takes over: where to log in must show even when the output is piped.
    sys.stdout.flush()
    if not no_serve:
        # Mail, certificate batches and the nightly jobs, as in production; its certificates
        # link to the address the demo serves.
        with worker_process(app.config["PUBLIC_URL"]):
            serve(host, port, workers=2)


def build_national_demo() -> None:
    import time

    from mbtrain.demo import national as demo_national

    if demo_national.already_built():
        click.echo("The national history is there already (use --reset to build it again).")
        return
    scale = demo_national.Scale()
    click.echo(f"Building the national history: {scale.total_trainees} trainees …")
    started = time.perf_counter()
    made = demo_national.build_national(scale, progress=click.echo)
    db.session.commit()
    click.echo(f"Done: {made} trainees in {time.perf_counter() - started:.0f} s.")


@main.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value.lower() for r in Role]))
@click.option("--county", "county_codes", multiple=True, help="County code, e.g. 46 (repeatable).")
@click.option("--organisation", "orgnr", help="Organisation number of a partner's organisation.")
@click.option("--password", help="Set a password now instead of sending an invitation link.")
@with_appcontext
def create_user_command(email, name, role, county_codes, orgnr, password) -> None:
    """Create an account; without --password an invitation link is sent."""
    counties = db.session.scalars(select(County).where(County.code.in_(county_codes))).all()
    if len(counties) != len(set(county_codes)):
        raise click.ClickException("Unknown county code. Codes: " + _county_codes())
    organisation = None
    if orgnr:
        organisation = db.session.scalar(
            select(Organisation).where(Organisation.orgnr == orgnr.replace(" ", ""))
        )
        if organisation is None:
            raise click.ClickException(f"No organisation with orgnr {orgnr}.")
    try:
        user = accounts.create_user(
            email=email,
            name=name,
            role=Role(role.upper()),
            counties=counties,
            organisation=organisation,
            password=password,
        )
    except accounts.AccountError as error:
        raise click.ClickException(str(error)) from error
    if password is None:
        token = accounts.issue_link(TokenPurpose.INVITATION, user.email, user)
        base_url = current_app.config["PUBLIC_URL"] or "http://127.0.0.1:5000"
        with current_app.test_request_context(base_url=base_url):
            accounts.send_link_mail(user, token, TokenPurpose.INVITATION)
        click.echo(f"Invitation sent to {user.email} (see the outbox without SMTP).")
    db.session.commit()
    click.echo(f"Created {user.role.value.lower()} {user.email}.")


def _county_codes() -> str:
    return ", ".join(f"{c.code} {c.name}" for c in db.session.scalars(select(County)))


@main.command("generate-secret-key")
def generate_secret_key() -> None:
    """Print a random value for MBTRAIN_SECRET_KEY."""
    click.echo(secrets.token_urlsafe(48))


@main.group("translations")
def translations_group() -> None:
    """The English and nynorsk catalogs (needs a source checkout)."""


@translations_group.command("update", with_appcontext=False)
def translations_update() -> None:
    """Extract the messages, update every .po (English, nynorsk) and compile its .mo."""
    from mbtrain import translations

    try:
        reports = translations.update_catalogs()
    except translations.NoSourceCheckout as error:
        raise click.ClickException(str(error)) from error
    for report in reports:
        click.echo(f"{report.path}: {report.messages} messages.")
        if report.untranslated:
            language = translations.LOCALES[report.locale]
            click.echo(f"{len(report.untranslated)} still need a translation ({language}):")
            for message in report.untranslated:
                click.echo(f"  {message}")


@main.command("progress-statuses")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day to progress to (default: today in Norway).",
)
@with_appcontext
def progress_statuses_command(on) -> None:
    """Move statuses that follow from the calendar (run nightly, e.g. from a systemd timer)."""
    from mbtrain.enrolments.progression import progress_statuses
    from mbtrain.i18n import today

    day = on.date() if on else today()
    changes = progress_statuses(day)
    db.session.commit()
    if not changes:
        click.echo(f"{day:%d.%m.%Y}: nothing to change.")
    for kind, count in sorted(changes.items()):
        click.echo(f"{day:%d.%m.%Y}: {kind}: {count}")


@main.command("refresh-reports")
@with_appcontext
def refresh_reports_command() -> None:
    """Compute the county and national report figures again (run nightly)."""
    refresh_reports()


def refresh_reports() -> None:
    import time

    from mbtrain.reports import snapshot

    started = time.perf_counter()
    count = snapshot.refresh()
    db.session.commit()
    click.echo(
        f"Report figures computed: {count} figures in {time.perf_counter() - started:.1f} s."
    )


@main.group("curriculum")
def curriculum_group() -> None:
    """Check and import the curriculum files (curriculum/*.toml)."""


curriculum_files = click.argument(
    "files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)


@curriculum_group.command("validate", with_appcontext=False)
@curriculum_files
def curriculum_validate(files: tuple[Path, ...]) -> None:
    """Check curriculum files (default: the shipped ones).

    Every problem is listed, naming the file and the entry; the exit code is 1 if any.
    """
    paths = list(files) or curriculum_loader.shipped_paths()
    failed = 0
    for path in paths:
        try:
            parsed = curriculum_loader.load_file(path)
        except curriculum_loader.CurriculumError as error:
            failed += 1
            click.echo("\n".join(error.problems), err=True)
        else:
            click.echo(
                f"{path.name}: {parsed.code} {parsed.version} is valid "
                f"({len(parsed.modules)} modules, {parsed.hours():g} hours)"
            )
    if not paths:
        raise click.ClickException("No curriculum files found.")
    if failed:
        raise click.ClickException(f"{failed} of {len(paths)} curriculum files have problems.")


@curriculum_group.command("import")
@curriculum_files
def curriculum_import(files: tuple[Path, ...]) -> None:
    """Import curriculum files (default: the shipped ones).

    A version already imported with the same content is left as it is; one with other content
    is refused, and then nothing is imported.
    """
    try:
        parsed = (
            curriculum_loader.load_files(files) if files else curriculum_loader.shipped_curricula()
        )
    except curriculum_loader.CurriculumError as error:
        click.echo("\n".join(error.problems), err=True)
        raise click.ClickException("Nothing was imported: the files have problems.") from error
    refused = 0
    for one in parsed:
        try:
            imported = curriculum.import_curriculum(one)
        except curriculum.CurriculumChanged as error:
            refused += 1
            click.echo(f"refused    {one.code} {one.version}: {error}", err=True)
            for line in curriculum.describe_diff(error.diff):
                click.echo(f"           {line}", err=True)
        else:
            outcome = "imported" if imported.created else "unchanged"
            click.echo(f"{outcome:<10} {one.code} {one.version}")
    if refused:
        db.session.rollback()
        raise click.ClickException("Nothing was imported.")
    db.session.commit()


@main.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path) -> None:
    """Write a consistent copy of the whole database to TARGET (safe while the app runs)."""
    try:
        backup_database(db.engine, target)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {target}.")


@main.command("restore")
@click.argument("source", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirm that the current data will be replaced.")
@with_appcontext
def restore_command(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup in SOURCE. Stop the app first."""
    if not yes:
        raise click.ClickException("Restoring replaces every row in the database: add --yes.")
    try:
        restore_database(db.engine, source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Database restored from {source}.")


@main.command("purge")
@click.option("--dry-run", is_flag=True, help="Only report what would be removed.")
@with_appcontext
def purge_command(dry_run: bool) -> None:
    """Remove what is past its retention (partner links, absence reasons, old access log)."""
    periods = RetentionPeriods.from_config(current_app.config)
    now = utcnow()
    removed = purge(cutoffs(periods, today(), now), today=today(), now=now)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    click.echo("Would remove (dry run, nothing changed):" if dry_run else "Removed:")
    for category, label in CATEGORIES.items():
        click.echo(f"{label}:")
        for key, (item_category, item_label) in ITEMS.items():
            if item_category == category:
                click.echo(f"  {removed[key]:>7} {item_label}")
