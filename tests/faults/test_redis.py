"""Redis stopped under gunicorn: the rate limiter falls back to counting in memory (and
logs it) instead of failing, so login, the reset form and /verify keep working; /healthz
says so; when Redis is back the shared counts are used again, without a restart."""

import http.cookiejar
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from mbtrain.builders import PASSWORD, Factory
from mbtrain.extensions import db
from mbtrain.organisations.models import County
from tests.conftest import module_app
from tests.faults.instances import PrivateRedis
from tests.servers import serve

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(scope="module")
def redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(request, redis, tmp_path_factory) -> Iterator[tuple[str, str, str]]:
    """gunicorn (two workers) counting its limits in the private Redis; a user who can log in."""
    with module_app("sqlite", request, tmp_path_factory.mktemp("redis")) as app:
        county = db.session.scalar(sa.select(County).limit(1))
        email = Factory(county).user().email
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        env = {"MBTRAIN_RATELIMIT_STORAGE_URL": redis.url}
        with serve(url, env, data_dir=tmp_path_factory.mktemp("server"), workers=2) as base:
            yield base, email, PASSWORD


def post(base: str, path: str, fields: dict[str, str]) -> int:
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirects()
    )
    page = browser.open(base + path).read().decode()
    form = {**fields, "csrf_token": CSRF.search(page).group(1)}
    try:
        return browser.open(base + path, urllib.parse.urlencode(form).encode()).status
    except urllib.error.HTTPError as error:
        return error.code


def get(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310 - our server
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def what_people_do(base: str, email: str, password: str) -> list[int]:
    return [
        post(base, "/logg-inn", {"email": email, "password": password}),
        post(base, "/logg-inn", {"email": email, "password": "feil passord"}),
        post(base, "/glemt-passord", {"email": email}),
        get(base, "/verify")[0],
        get(base, "/verify?kode=ABCD-EFGH-JKLM")[0],
    ]


def health(base: str) -> dict:
    return json.loads(get(base, "/healthz")[1])


def test_login_reset_and_verify_work_while_redis_is_down(site, redis):
    base, email, password = site
    before = what_people_do(base, email, password)
    assert before[0] == 302 and 500 not in before, before
    assert health(base)["ratelimit"] == "ok"

    redis.stop()
    try:
        during = [what_people_do(base, email, password) for _ in range(3)]
        for answers in during:
            assert answers == before, during  # the same answers as with Redis, no 500
        assert health(base) == {"status": "ok", "database": "ok", "ratelimit": "memory-fallback"}
    finally:
        redis.start()

    deadline = time.monotonic() + 10
    while health(base)["ratelimit"] != "ok" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert health(base)["ratelimit"] == "ok"
    assert what_people_do(base, email, password) == before
