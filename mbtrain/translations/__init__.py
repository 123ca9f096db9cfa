"""The English and nynorsk catalogs, and keeping them in step with the bokmål source strings.

Flask-Babel reads ``<locale>/LC_MESSAGES/messages.mo`` from this folder at run time. The .mo is
committed beside its .po so that an installed wheel needs no build step. Updating the catalog
needs a source checkout (the templates live at the top of the repository there).
"""

import io
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

HERE = Path(__file__).resolve().parent
SOURCE_ROOT = HERE.parents[1]
MAPPING = HERE / "babel.cfg"
PROJECT = "mbtrain"
# Every catalog beside bokmål (the source language), with the name of its language team.
LOCALES = {"en": "English", "nn": "Norsk (nynorsk)"}
HEADER = (
    "# {team} translations for mbtrain. The message ids are the Norwegian bokmål source strings.\n"
    "# Update with `mbtrain translations update`, translate every empty or fuzzy entry, repeat."
)


def po_file(locale: str) -> Path:
    return HERE / locale / "LC_MESSAGES" / "messages.po"


def mo_file(locale: str) -> Path:
    return po_file(locale).with_suffix(".mo")


class NoSourceCheckout(RuntimeError):
    """Messages are extracted from a source checkout, not from an installed package."""


@dataclass(frozen=True)
class UpdateReport:
    locale: str
    path: Path
    messages: int
    untranslated: list[str]


def extract_messages() -> Catalog:
    """Every message marked for translation in the sources, as a template catalog."""
    if not (SOURCE_ROOT / "pyproject.toml").is_file() or not (SOURCE_ROOT / "templates").is_dir():
        raise NoSourceCheckout(f"{SOURCE_ROOT} is not a source checkout of mbtrain.")
    with MAPPING.open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, str(MAPPING))
    template = Catalog(project=PROJECT, charset="utf-8", fuzzy=False)
    for path, lineno, message, comments, context in extract_from_dir(
        SOURCE_ROOT, method_map, options_map, comment_tags=("TRANSLATORS:",)
    ):
        template.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return template


def read_catalog(locale: str) -> Catalog:
    with po_file(locale).open("rb") as po:
        return read_po(po, locale=locale)


def compile_catalog(catalog: Catalog) -> bytes:
    """The .mo bytes for a catalog; fuzzy entries are left out, as gettext would."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    """Message ids still waiting for a translator: empty or marked fuzzy."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id[0] if isinstance(message.id, tuple) else message.id)
    return missing


def update_catalogs() -> list[UpdateReport]:
    """Extract once, then update every catalog."""
    template = extract_messages()
    return [update_catalog(locale, template) for locale in LOCALES]


def update_catalog(locale: str, template: Catalog | None = None) -> UpdateReport:
    """Extract, merge new and changed messages into the .po (dropping unused ones), compile."""
    template = template if template is not None else extract_messages()
    path = po_file(locale)
    if path.exists():
        catalog = read_catalog(locale)
    else:
        catalog = Catalog(
            locale=locale,
            header_comment=HEADER.format(team=LOCALES[locale]),
            project=PROJECT,
            language_team=LOCALES[locale],
            charset="utf-8",
            fuzzy=False,
        )
    # Keep the dates as they are, so an update without new messages changes no file.
    catalog.update(template, update_creation_date=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog, ignore_obsolete=True, width=100)
    mo_file(locale).write_bytes(compile_catalog(catalog))
    return UpdateReport(locale, path, messages=len(catalog), untranslated=untranslated(catalog))
