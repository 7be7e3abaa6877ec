"""Words and formats on screen (handbook §5): gettext catalogues, one .po file per screen area under
locale/<language>/LC_MESSAGES/, merged; message ids are English, so another language is one more folder.
Dates and times are shown in Europe/Stockholm in Swedish format, money as "12 345,50 kr"."""

import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGE = "sv"
BABEL_LOCALE = "sv_SE"
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def load(language: str = LANGUAGE) -> Translations:
    """Every catalogue of the language, compiled in memory (no binary .mo files in the repository)."""
    merged = Translations()
    for po in sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po")):
        with po.open("rb") as source:
            catalog = read_po(source, locale=language)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        merged.merge(Translations(buffer))
    return merged


TRANSLATIONS = load()
_ = TRANSLATIONS.gettext


def N_(message: str) -> str:
    """Marks a message id for extraction where it is translated later (in a template)."""
    return message


def _moment(value: str | datetime) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(value: str | datetime | None) -> str:
    """2026-11-23 14:05 in Stockholm time."""
    if value is None or value == "":
        return ""
    return format_datetime(_moment(value), "yyyy-MM-dd HH:mm", tzinfo=STOCKHOLM, locale=BABEL_LOCALE)


def day(value: str | date | datetime | None) -> str:
    """2026-11-23 (a date, or a moment's date in Stockholm)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime) or (isinstance(value, str) and "T" in value):
        return format_date(_moment(value).astimezone(STOCKHOLM).date(), "yyyy-MM-dd", locale=BABEL_LOCALE)
    return format_date(
        date.fromisoformat(value) if isinstance(value, str) else value, "yyyy-MM-dd", locale=BABEL_LOCALE
    )


def long_day(value: str | date) -> str:
    """måndag 23 november 2026."""
    return format_date(
        date.fromisoformat(value) if isinstance(value, str) else value, "EEEE d MMMM y", locale=BABEL_LOCALE
    )


def money(value: str | Decimal | int | None) -> str:
    """12 345,50 kr (Swedish grouping and decimal comma; never a float on the way)."""
    if value is None or value == "":
        return ""
    return format_currency(Decimal(str(value)), "SEK", format="#,##0.00 ¤", locale=BABEL_LOCALE, currency_digits=False)


def number(value: str | Decimal | int | float | None, digits: int = 0) -> str:
    if value is None or value == "":
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(str(value)), format=pattern, locale=BABEL_LOCALE)


def waiting_day(ready_at: str | datetime | None, now: datetime | None = None) -> int | None:
    """Utskrivningsklar (dag N): day 1 is the day the patient became discharge-ready, in Stockholm's calendar."""
    if not ready_at:
        return None
    start = _moment(ready_at).astimezone(STOCKHOLM).date()
    today = (now or datetime.now(UTC)).astimezone(STOCKHOLM).date()
    return (today - start).days + 1
