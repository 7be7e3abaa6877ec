"""Personnummer never appear in application logs (ADR 0011): every log record is redacted when it is made,
whichever logger or handler it goes to (ours, uvicorn's, aiokafka's, SQLAlchemy's).

Errors carry no row values in the first place (the engine hides parameters; dead-letter reasons name the field
and rule, not the input); this is the net under that.
"""

import logging
import re

# 12 digits (ÅÅÅÅMMDDNNNN), or 10 with an optional - or + (ÅÅMMDD-NNNN): a personnummer or samordningsnummer.
PERSONNUMMER = re.compile(r"(?<![\dA-Za-z])(?:\d{2})?\d{6}[-+]?\d{4}(?![\dA-Za-z])")
REDACTED = "[personnummer]"


def redact(text: str) -> str:
    return PERSONNUMMER.sub(REDACTED, text)


def _redacted(value: object) -> object:
    if isinstance(value, int | float):
        return value
    text = str(value)
    return redact(text) if PERSONNUMMER.search(text) else value


def install() -> None:
    """Wraps the log record factory once per process."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "redacts_personnummer", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:  # type: ignore[no-untyped-def]
        record = previous(*args, **kwargs)
        if PERSONNUMMER.search(record.getMessage()):
            # Redact the parts, keeping the args' shape: some formatters read them (uvicorn's access log).
            record.msg = redact(record.msg) if isinstance(record.msg, str) else record.msg
            if isinstance(record.args, tuple):
                record.args = tuple(_redacted(a) for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {k: _redacted(v) for k, v in record.args.items()}
            if PERSONNUMMER.search(record.getMessage()):
                # Still there (a number argument for %d, or a message that is not a string, such as an exception):
                # the whole message is rendered and redacted, and the arguments go.
                record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info and record.exc_info[1] is not None and PERSONNUMMER.search(str(record.exc_info[1])):
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return record

    factory.redacts_personnummer = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)
