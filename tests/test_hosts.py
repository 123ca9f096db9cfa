"""Hosts: the app answers only as the hosts it was told of (Flask's TRUSTED_HOSTS), and links
in e-mail are built on the configured or listening address, never on a Host header."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from mbtrain import cli
from mbtrain.accounts.models import Role
from mbtrain.extensions import db
from mbtrain.mail.models import OutboxMessage
from tests.conftest import CSRF_RE

EVIL = "http://evil.example"


def mail_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == email)))


def ask_for_reset(client, email: str, base_url: str):
    """As a browser on ``base_url`` would: the form (and its CSRF token) from that host."""
    page = client.get("/glemt-passord", base_url=base_url)
    found = CSRF_RE.search(page.get_data(as_text=True))
    data = {"email": email, "csrf_token": found.group(1) if found else ""}
    return client.post("/glemt-passord", data=data, base_url=base_url)


def test_a_request_for_another_host_is_refused(client):
    assert client.get("/logg-inn", base_url=EVIL).status_code == 400
    assert client.get("/logg-inn").status_code == 200


@pytest.mark.parametrize("app_config", [{"SERVER_NAME": None, "PUBLIC_URL": ""}])
def test_without_a_public_url_no_reset_link_goes_to_the_host_header(app, make_user, client):
    user = make_user(Role.TRAINEE)
    assert ask_for_reset(client, user.email, EVIL).status_code == 400
    assert mail_to(user.email) == []

    assert ask_for_reset(client, user.email, "http://127.0.0.1:5000").status_code == 302
    [message] = mail_to(user.email)
    assert "http://127.0.0.1:5000/lenke/" in message.body
    assert "evil.example" not in message.body


def test_production_answers_as_its_public_url_only(production_app, make_user):
    assert production_app.config["TRUSTED_HOSTS"] == ["mbtrain.test"]
    client = production_app.test_client()
    assert client.get("/logg-inn", base_url="https://evil.example").status_code == 400
    assert client.get("/logg-inn", base_url="https://mbtrain.test").status_code == 200


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:5055"),
        ("localhost", "http://localhost:5055"),
        ("::1", "http://[::1]:5055"),
    ],
)
def test_the_listening_address_is_the_public_url(host, url):
    assert cli.listening_url(host, 5055) == url


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_the_servers_answer_as_the_address_they_listen_on(command, tmp_path, monkeypatch):
    """`mbtrain serve` and `mbtrain demo` without MBTRAIN_PUBLIC_URL: their app builds links
    on, and answers only as, the address given with --host and --port."""
    served = {}

    def run(server):
        served["app"] = server.load()

    monkeypatch.setattr("gunicorn.app.base.BaseApplication.run", run)
    monkeypatch.delenv("MBTRAIN_PUBLIC_URL", raising=False)
    monkeypatch.delenv("MBTRAIN_DATABASE_URL", raising=False)
    monkeypatch.setenv("MBTRAIN_DATA_DIR", str(tmp_path))
    args = ["--host", "127.0.0.2", "--port", "5055"]
    result = CliRunner().invoke(cli.main, [command, *args])
    assert result.exit_code == 0, result.output
    config = served["app"].config
    assert config["PUBLIC_URL"] == "http://127.0.0.2:5055"
    assert "127.0.0.2" in config["TRUSTED_HOSTS"]
    assert "evil.example" not in config["TRUSTED_HOSTS"]
    assert served["app"].test_client().get("/", base_url=EVIL).status_code == 400
