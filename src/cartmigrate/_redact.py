"""The one place credentials are taken out of every text the library produces.

A server may echo the request it got: a 401 page quoting the
``Authorization`` header, a 500 dump of the request's headers, a proxy's 502
page, a 200 that is not JSON at all. Whatever such a body holds ends up in an
exception's message, then in a log line, a report, the state file. Hiding a
credential at each of those places is a promise kept only until someone adds
one more; so every known secret value is *registered* here (``Secret`` does
it when it is created) and every surface passes its text through
``scrub``:

- exception messages and string attributes (``CartMigrateError`` scrubs
  what it is given and what ``str()`` shows; ``scrub_chain`` does it for the
  foreign exceptions chained to one);
- log lines of cartmigrate's loggers and of httpx/httpcore (``ScrubFilter``,
  which also scrubs a formatted traceback);
- report failures and notices (their messages pass through ``scrub`` when
  built), ``str``/HTML of a report, and so what reaches the state file.

A secret is recognised raw, URL-encoded (both ``%20`` and ``+`` spaces),
JSON- and HTML-escaped, and inside any base64 text that decodes to something
containing it (``Basic base64(key:secret)``, whatever the pairing).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import html
import json
import logging
import re
import threading
import urllib.parse
from typing import Any

__all__ = [
    "MASK",
    "ScrubFilter",
    "protect_logger",
    "register_secret",
    "scrub",
    "scrub_chain",
]

#: What a secret is replaced with.
MASK = "***"

#: Shorter values are not registered: scrubbing "a" out of every text would
#: destroy the text and protect nothing (such a credential is no credential).
MIN_LENGTH = 6

_lock = threading.Lock()
_raw: set[str] = set()
_forms: tuple[str, ...] = ()
_pattern: re.Pattern[str] | None = None
# base64 runs long enough to hold a secret of MIN_LENGTH (standard and URL-safe alphabets).
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")


def _variants(value: str) -> set[str]:
    forms = {
        value,
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value, safe=""),
        urllib.parse.quote(value),
        json.dumps(value)[1:-1],
        html.escape(value),
    }
    return {form for form in forms if len(form) >= MIN_LENGTH}


def register_secret(value: str) -> None:
    """Remember ``value`` as a credential: from now on ``scrub`` hides it everywhere."""
    global _forms, _pattern
    if not isinstance(value, str) or len(value) < MIN_LENGTH:
        return
    with _lock:
        if value in _raw:
            return
        _raw.add(value)
        forms = set(_forms)
        for raw in (value, value.strip()):
            forms.update(_variants(raw))
        # Longest first, so a value containing another is hidden whole.
        _forms = tuple(sorted(forms, key=len, reverse=True))
        _pattern = re.compile("|".join(re.escape(form) for form in _forms))


def _decoded(token: str) -> str | None:
    padded = token + "=" * (-len(token) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            return decode(padded.encode("ascii")).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            continue
    return None


def _hides_secret(token: str) -> bool:
    decoded = _decoded(token)
    return decoded is not None and any(raw in decoded for raw in _raw)


def scrub(text: str) -> str:
    """``text`` with every registered secret, in every known form, replaced by ``***``."""
    pattern = _pattern
    if pattern is None or not text:
        return text
    text = pattern.sub(MASK, text)
    return _BASE64.sub(lambda m: MASK if _hides_secret(m.group()) else m.group(), text)


def scrub_value(value: Any) -> Any:
    """``scrub`` for a string, anything else unchanged (for exception arguments)."""
    return scrub(value) if isinstance(value, str) else value


def scrub_chain(error: BaseException) -> None:
    """Scrub the messages of ``error`` and every exception chained to it, in place.

    A library exception is raised ``from`` the platform's or httpx's, and a
    traceback prints those too; their ``args`` are what their ``str()``
    shows, so they are rewritten (cycles in the chain are followed once).
    """
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        # An exception refusing new values is left as it is.
        with contextlib.suppress(AttributeError, TypeError):
            current.args = tuple(scrub_value(arg) for arg in current.args)
        for name, attribute in list(vars(current).items()):
            if isinstance(attribute, str):
                with contextlib.suppress(AttributeError, TypeError):
                    setattr(current, name, scrub(attribute))
        pending.extend((current.__cause__, current.__context__))
        group = getattr(current, "exceptions", None)
        if isinstance(group, tuple):
            pending.extend(e for e in group if isinstance(e, BaseException))


class ScrubFilter(logging.Filter):
    """Hides secrets in a log record's message and in its formatted traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _pattern is None:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit: leave it to logging
            return True
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg = scrubbed
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            scrub_chain(record.exc_info[1])
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


_FILTER = ScrubFilter()


def protect_logger(name: str) -> logging.Logger:
    """The logger ``name`` with the scrubbing filter on it, as its last filter.

    A filter applies to the records logged on that very logger, not its
    children, so each one gets it; last, so it sees what the others made.
    """
    logger = logging.getLogger(name)
    if _FILTER in logger.filters:
        logger.removeFilter(_FILTER)
    logger.addFilter(_FILTER)
    return logger


#: Every logger the library logs on, and httpx's (which logs each request's URL).
#: A test checks that no ``cartmigrate.*`` logger is missing from this list.
LOGGERS = (
    "cartmigrate",
    "cartmigrate.http",
    "cartmigrate.woocommerce",
    "cartmigrate.shopify",
    "cartmigrate.prestashop",
    "cartmigrate.magento",
    "cartmigrate.progress",
    "httpx",
    "httpcore",
)

for _name in LOGGERS:
    protect_logger(_name)
