"""What every journey step does with the browser: check each page it lands on for universal
design (axe-core, WCAG 2.1 A and AA; reflow at 320 px and at 200 % zoom), log in, and move
through a form with the keyboard alone."""

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Locator, Page, expect

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESKTOP = {"width": 1280, "height": 900}
# 320 CSS px is WCAG 1.4.10's reflow width (1280 px at 400 %); a 1280 px window at 200 %
# zoom lays the page out in 640 CSS px. Zoom changes only the CSS width the page gets, so
# the narrow viewport is the zoomed page (device_scale_factor would only sharpen it).
NARROW_WIDTHS = {"320 px": 320, "200 % zoom": DESKTOP["width"] // 2}
# A common phone (iPhone 12-15): every page is also checked with axe at this width, where the
# menu is folded into «Meny» and tables scroll in their own box or stack into cards.
PHONE = {"width": 390, "height": 844}
MAX_TABS = 120
# The innermost elements that reach past the window's left or right edge, to say what to fix.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  // Inside a box that scrolls by itself and fits, an element may be as wide as it likes.
  const clipped = e => {
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible"
          && a.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  // Not what display: none hides, nor the inside of a closed <details> (the folded menu),
  // which Chromium lays out collapsed without showing it.
  const shown = e => {
    const folded = e.closest("details:not([open])");
    const summary = folded && folded.querySelector(":scope > summary");
    return e.checkVisibility() && !(folded && !summary.contains(e));
  };
  const wide = [...document.body.querySelectorAll("*")].filter(e => {
    const box = e.getBoundingClientRect();
    return (box.right > width + 1 || box.left < -1) && shown(e) && !clipped(e);
  });
  return wide.filter(e => !wide.some(o => o !== e && e.contains(o))).slice(0, 5)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.outerHTML.slice(0, 120)}`);
}"""

_axe = Axe()


def check_a11y(page: Page) -> None:
    """Fail with a readable list if the page breaks WCAG 2.1 A/AA (at the desktop width and on
    a phone) or scrolls sideways when narrow. Called after every navigation of the journeys."""
    page.wait_for_load_state()
    viewport = page.viewport_size
    check_axe(page)
    for name, width in {**NARROW_WIDTHS, "a phone, 390 px": PHONE["width"]}.items():
        page.set_viewport_size({"width": width, "height": DESKTOP["height"]})
        check_fits(page, name)
    page.set_viewport_size(PHONE)
    check_axe(page)
    page.set_viewport_size(viewport)


def check_axe(page: Page) -> None:
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    width = page.viewport_size["width"]
    assert not violations, f"axe on {page.url} at {width} px:\n" + describe(violations)


def check_fits(page: Page, name: str) -> None:
    """Nothing reaches past the window's edges: the document does not scroll sideways, and no
    element's box sticks out, unless it is inside a box that scrolls by itself and fits."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    too_wide = page.evaluate(TOO_WIDE)
    assert overflow <= 0 and not too_wide, (
        f"{page.url} is wider than the window at {name} (scrolls sideways by {overflow} px); "
        f"too wide: {too_wide}"
    )


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def visit(page: Page, url: str) -> None:
    page.goto(url)
    check_a11y(page)


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    visit(page, f"{base_url}/logg-inn")
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Passord").fill(password)
    page.get_by_role("button", name="Logg inn").click()
    # On a phone «Logg ut» is inside the folded menu, which shows once the user is logged in.
    logged_in = page.get_by_role("button", name="Logg ut").or_(page.get_by_text("Meny", exact=True))
    expect(logged_in.first).to_be_visible()
    check_a11y(page)


def open_menu(page: Page, name: str) -> None:
    """The main menu's link ``name``; on a phone the menu is folded into «Meny» first."""
    folded = page.locator("details.menu-narrow > summary")
    if folded.is_visible():
        folded.click()
    menu = page.get_by_role("navigation", name="Hovedmeny")
    menu.get_by_role("link", name=name, exact=True).click()
    check_a11y(page)


def expect_flash(page: Page, text: str) -> None:
    """The message shown after a form was sent (checked together with the page it is on)."""
    expect(page.locator(".flash").filter(has_text=text)).to_be_visible()
    check_a11y(page)


# The keyboard alone -----------------------------------------------------------------------


def focused(locator: Locator) -> bool:
    return locator.evaluate("element => element === document.activeElement")


def tab_to(page: Page, locator: Locator) -> None:
    """Press Tab until ``locator`` has the focus, as someone without a mouse does."""
    for _ in range(MAX_TABS):
        if focused(locator):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def type_into(page: Page, locator: Locator, text: str) -> None:
    tab_to(page, locator)
    page.keyboard.type(text)


def press_on(page: Page, locator: Locator, key: str = "Enter") -> None:
    """Space for radio buttons and check boxes, Enter for links and buttons."""
    tab_to(page, locator)
    page.keyboard.press(key)


def choose_radio(page: Page, option: Locator) -> None:
    """Tab into the radio group, then arrow keys to the option (arrows also select it)."""
    group = option.locator("xpath=ancestor::fieldset[1]").get_by_role("radio")
    tab_to(page, group.first)
    for _ in range(group.count()):
        if focused(option):
            break
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    expect(option).to_be_checked()
