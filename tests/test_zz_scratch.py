import re
import pytest
from mbtrain import demo

@pytest.mark.parametrize("role", ["trainee", "partner"])
def test_dump(app, demo_data, role, count_queries):
    login = next(l for l in demo_data if l.role == role)
    client = app.test_client()
    client.submit("/logg-inn", {"email": login.email, "password": demo.DEMO_PASSWORD})
    url = "/meg/innsyn" if role == "trainee" else "/portal/praksis"
    client.get(url)
    with count_queries() as q:
        page = client.get(url).get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]
    text = re.sub(r"<[^>]+>", " ", main)
    text = re.sub(r"\s*\n\s*", "\n", text)
    print("=====", role, len(q), "queries\n", text[:600] if role == "trainee" else text)
