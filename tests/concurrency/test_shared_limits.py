"""Rate limits hold across gunicorn's workers: the counts are kept where every worker sees
them (development: a SQLite file in the data directory; production: Redis), not per process,
which let each of the demo's two workers allow the whole limit."""

import http.cookiejar
import multiprocessing
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from flask import Flask
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from mbtrain.config import load_settings
from tests.conftest import module_app
from tests.servers import serve

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LIMIT = 30  # LOGIN_LIMIT_PER_ADDRESS's default: 30 failed logins per 10 minutes


def hit_in_another_process(url: str, queue) -> None:
    queue.put(FixedWindowRateLimiter(storage_from_string(url)).hit(parse("3 per minute"), "k"))


def test_development_counts_are_shared_by_processes(tmp_path):
    url = load_settings({"MBTRAIN_DATA_DIR": str(tmp_path)})["RATELIMIT_STORAGE_URI"]
    context = multiprocessing.get_context("fork")  # as gunicorn forks its workers
    queue = context.Queue()
    for _ in range(4):
        process = context.Process(target=hit_in_another_process, args=(url, queue))
        process.start()
        process.join()
    assert [queue.get() for _ in range(4)] == [True, True, True, False]


@pytest.fixture(scope="module")
def server(request, tmp_path_factory) -> Iterator[str]:
    with module_app("sqlite", request, tmp_path_factory.mktemp("limits")) as app:
        yield from _serve(app, tmp_path_factory)


def _serve(app: Flask, tmp_path_factory) -> Iterator[str]:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # Without MBTRAIN_RATELIMIT_STORAGE_URL: the store `mbtrain demo` and `serve` get.
    with serve(url, data_dir=tmp_path_factory.mktemp("server"), workers=2) as base_url:
        yield base_url


def failed_login(base_url: str, number: int) -> int:
    """A wrong password for a new address each time: the limit per address is what counts."""
    browser = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = browser.open(base_url + "/logg-inn").read().decode()
    form = {"email": f"ingen.{number}@example.org", "password": "feil passord", "csrf_token": ""}
    form["csrf_token"] = CSRF.search(page).group(1)
    try:
        return browser.open(base_url + "/logg-inn", urllib.parse.urlencode(form).encode()).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_login_limit_holds_across_two_workers(server):
    answers: list[int] = []

    def two_at_once(pair: int) -> None:  # both workers busy, so both count
        threads = [
            threading.Thread(target=lambda n=n: answers.append(failed_login(server, n)))
            for n in (2 * pair, 2 * pair + 1)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    for pair in range(LIMIT // 2):
        two_at_once(pair)
    assert answers == [200] * LIMIT
    assert failed_login(server, LIMIT) == 429
