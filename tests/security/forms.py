"""Reading the forms on a page as a browser would, to post them back changed."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Forms every page carries in its header; they are tested elsewhere (sessions, language).
CHROME_ACTIONS = {"/logg-ut", "/sprak"}


@dataclass
class Field:
    tag: str  # input, textarea, select
    type: str  # text, date, number, hidden, checkbox, radio, email, file, select, textarea...
    name: str
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    multiple: bool = False


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def hidden(self) -> dict[str, str]:
        return {f.name: f.value for f in self.fields if f.type == "hidden"}


class _Parser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__(convert_charrefs=True)
        self.page_path, self.forms, self.form = page_path, [], None
        self.select: Field | None = None
        self.textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.form = Form(a.get("action") or self.page_path, a.get("method", "get").lower())
            self.forms.append(self.form)
        elif self.form is None or "name" not in a:
            if tag == "option" and self.select is not None:
                self.select.options.append(a.get("value", ""))
                if "selected" in a:
                    self.select.selected.append(a.get("value", ""))
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            self.form.fields.append(
                Field("input", kind, a["name"], a.get("value", ""), "checked" in a)
            )
        elif tag == "select":
            self.select = Field("select", "select", a["name"], multiple="multiple" in a)
            self.form.fields.append(self.select)
        elif tag == "textarea":
            self.textarea = Field("textarea", "textarea", a["name"])
            self.form.fields.append(self.textarea)

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None


def post_forms(html: str, page_path: str) -> list[Form]:
    """The page's POST forms, leaving out the header's logout and language forms."""
    parser = _Parser(page_path)
    parser.feed(html)
    return [
        form
        for form in parser.forms
        if form.method == "post" and form.action.split("?")[0] not in CHROME_ACTIONS
    ]


def get_form_fields(html: str, page_path: str) -> list[str]:
    """The names of the fields of the page's GET forms (filters and searches)."""
    parser = _Parser(page_path)
    parser.feed(html)
    return [f.name for form in parser.forms if form.method == "get" for f in form.fields]


def as_submitted(form: Form) -> list[tuple[str, str]]:
    """What a browser would send if the user pressed submit without changing anything."""
    pairs = []
    for f in form.fields:
        if f.type in {"checkbox", "radio"}:
            if f.checked:
                pairs.append((f.name, f.value or "y"))
        elif f.type == "select":
            # A browser sends the chosen options; with none chosen, a single select sends
            # its first option and a multiple one nothing.
            chosen = f.selected or ([] if f.multiple or not f.options else f.options[:1])
            pairs.extend((f.name, value) for value in chosen)
        elif f.type != "file":
            pairs.append((f.name, f.value))
    return pairs
