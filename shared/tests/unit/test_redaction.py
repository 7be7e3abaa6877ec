"""No personnummer in application logs (ADR 0011): `redact` replaces anything shaped like one, and the log-record
factory that `install` puts in place redacts every record when it is made, keeping the arguments' shape."""

import logging
from collections.abc import Iterator

import pytest

from svu_shared import redaction
from svu_shared.redaction import REDACTED, redact

PNR = "191212121212"


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("191212121212", "[personnummer]"),  # ÅÅÅÅMMDDNNNN
        ("19121212-1212", "[personnummer]"),
        ("1212121212", "[personnummer]"),  # ÅÅMMDDNNNN
        ("121212-1212", "[personnummer]"),
        ("121212+1212", "[personnummer]"),  # + : a person over 100
        ("pnr=191212121212, then", "pnr=[personnummer], then"),
        ("a 191212121212 and 201212121213 b", "a [personnummer] and [personnummer] b"),
        ("_191212121212", "_[personnummer]"),
    ],
)
def test_every_personnummer_shape_is_redacted(text, redacted):
    assert redact(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "12345678901",  # 11 digits: no personnummer
        "1234567890123",  # 13 digits
        "S191212121212",  # a letter before: an id, not a personnummer
        "191212121212X",
        "19121212 1212",  # a space is no separator
        "2025-03-01T10:00:00Z",
        "1280",
        "tel 070-1234567",
    ],
)
def test_what_only_looks_like_digits_is_left_alone(text):
    assert redact(text) == text


def test_the_marker_is_the_documented_one():
    assert REDACTED == "[personnummer]"


@pytest.fixture
def records() -> Iterator[list[logging.LogRecord]]:
    """The records of one logger, made by a factory `install` wrapped around the standard one; put back after."""
    before = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    redaction.install()
    made: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            made.append(record)

    logger = logging.getLogger("svu.test.redaction")
    handler, level, propagate = Keep(), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield made
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
        logging.setLogRecordFactory(before)


LOG = logging.getLogger("svu.test.redaction")


def test_install_wraps_the_factory_once():
    before = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)
    try:
        redaction.install()
        wrapped = logging.getLogRecordFactory()
        redaction.install()
        assert logging.getLogRecordFactory() is wrapped
        assert wrapped is not logging.LogRecord and wrapped.redacts_personnummer is True  # type: ignore[attr-defined]
    finally:
        logging.setLogRecordFactory(before)


def test_tuple_arguments_are_redacted_and_keep_their_shape(records):
    LOG.info("patient %s answered %d", PNR, 201)
    [record] = records
    assert (record.msg, record.args) == ("patient %s answered %d", ("[personnummer]", 201))
    assert record.getMessage() == "patient [personnummer] answered 201"


def test_mapping_arguments_are_redacted_and_keep_their_shape(records):
    LOG.info("%(who)s on ward %(ward)s, %(n)d", {"who": "121212-1212", "ward": "W1", "n": 3})
    [record] = records
    assert record.args == {"who": "[personnummer]", "ward": "W1", "n": 3}
    assert record.getMessage() == "[personnummer] on ward W1, 3"


def test_a_personnummer_in_the_format_string_itself_is_redacted(records):
    LOG.warning(f"a careless line about {PNR} and %s", "W1")
    [record] = records
    assert (record.msg, record.args, record.getMessage()) == (
        "a careless line about [personnummer] and %s",
        ("W1",),
        "a careless line about [personnummer] and W1",
    )


def test_a_record_without_one_is_left_as_it_was(records):
    args = ("S1", 201)
    LOG.info("stay %s answered %d", *args)
    [record] = records
    assert (record.msg, record.args, record.getMessage()) == ("stay %s answered %d", args, "stay S1 answered 201")


def test_an_exception_naming_one_is_logged_with_its_traceback_redacted(records):
    try:
        raise ValueError(f"no stay for {PNR}")
    except ValueError:
        LOG.exception("lookup failed")
    [record] = records
    assert record.exc_info is None  # formatted once, redacted, so no handler formats the original again
    assert record.exc_text.startswith("Traceback (most recent call last):")
    assert record.exc_text.endswith("ValueError: no stay for [personnummer]") and PNR not in record.exc_text
    formatted = logging.Formatter().format(record)
    assert formatted.startswith("lookup failed\nTraceback") and PNR not in formatted


def test_an_exception_without_one_keeps_its_exc_info(records):
    try:
        raise ValueError("no stay S1")
    except ValueError:
        LOG.exception("lookup failed")
    [record] = records
    assert record.exc_info is not None and record.exc_info[1].args == ("no stay S1",)


def test_a_personnummer_passed_as_an_int_is_redacted(records):
    LOG.info("patient %s", int(PNR))
    [record] = records
    assert record.getMessage() == "patient [personnummer]"


def test_a_personnummer_in_a_message_that_is_not_a_string_is_redacted(records):
    LOG.warning(ValueError(f"no stay for {PNR}"))
    [record] = records
    assert record.getMessage() == "no stay for [personnummer]"
