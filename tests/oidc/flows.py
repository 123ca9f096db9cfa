"""Driving a login through the test provider over plain HTTP, step by step, so that a test
can stop before mbtrain's callback and tamper with what it sends."""

from urllib.parse import parse_qs, urljoin, urlsplit

import requests


def to_callback(
    base_url: str,
    provider: str,
    user: str,
    http: requests.Session | None = None,
    start: str | None = None,
    **start_args,
) -> tuple[requests.Session, str]:
    """Start a login at mbtrain (at ``start``, a path, if given), sign in at the provider as
    ``user``; returns the session (mbtrain's and the provider's cookies, a new one unless
    ``http``) and the callback address, not yet opened."""
    http = http or requests.Session()
    response = http.get(
        base_url + (start or f"/innlogging/{provider}"), params=start_args, allow_redirects=False
    )
    assert response.status_code == 302, response.text
    url = response.headers["Location"]
    for _ in range(10):
        if url.startswith(f"{base_url}/innlogging/{provider}/svar"):
            return http, url
        response = http.get(url, allow_redirects=False)
        if response.status_code == 200 and "/interaction/" in response.url:
            action = urljoin(response.url, f"{urlsplit(response.url).path}/login")
            response = http.post(action, data={"user": user}, allow_redirects=False)
        assert response.status_code in (302, 303), (
            response.status_code,
            response.url,
            response.text[-1500:],
        )
        url = urljoin(response.url, response.headers["Location"])
    raise AssertionError("the provider never sent the browser back")


def query(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    params = {**query(url), **changes}
    from urllib.parse import urlencode

    return parts._replace(query=urlencode(params)).geturl()
