"""The message ids the screens use, extracted from the templates and the Python code with Babel, and the ones a
language's catalogues lack: `python -m web.catalogue` lists what is still to translate (a test requires none)."""

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

from web.i18n import LANGUAGE, LOCALE_DIR, load

PACKAGE = Path(__file__).resolve().parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}


def message_ids() -> dict[str, str]:
    """Every msgid (singular; a plural's singular stands for both) → where it is first used."""
    found: dict[str, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        PACKAGE, METHODS, OPTIONS, keywords={"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        if msgid:
            found.setdefault(msgid, f"{filename}:{lineno}")
    return found


def untranslated(language: str = LANGUAGE) -> dict[str, str]:
    translations = load(language)
    catalog = translations._catalog  # msgid (or (msgid, n) for plurals) → msgstr
    known = {key[0] if isinstance(key, tuple) else key for key, value in catalog.items() if value}
    return {msgid: where for msgid, where in message_ids().items() if msgid not in known}


if __name__ == "__main__":
    missing = untranslated()
    for msgid, where in sorted(missing.items(), key=lambda item: item[1]):
        print(f"{where}\t{msgid}")
    print(f"{len(missing)} message(s) without a {LANGUAGE} translation in {LOCALE_DIR}", file=sys.stderr)
    sys.exit(1 if missing else 0)
