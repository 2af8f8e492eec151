"""Every error cartmigrate raises, rooted in one base class.

Catch ``CartMigrateError`` to handle anything the library raises on purpose;
anything else escaping the engine is a bug or a crash, never a bad record.

    CartMigrateError
    ├── InvalidEntity            a model was built with a bad value (names model and field)
    ├── MappingError             a mapping rule (transform, filter) failed on an entity
    ├── ConnectorError           a cart could not do what was asked
    │   ├── UnsupportedEntity    the cart cannot read or write this entity type
    │   ├── AuthenticationError  credentials missing or refused
    │   ├── EntityNotFound       no entity with that id on the cart
    │   ├── EntityRejected       the platform refused the record (4xx validation)
    │   │   └── DuplicateEntity  ... because it already exists (carries the existing id)
    │   └── TransientError       5xx, timeouts, rate limits that outlasted every retry
    │       ├── WriteOutcomeUnknown  a write was sent, its answer was lost
    │       ├── StoreUnreachable     the host did not answer at all (DNS, refused, connect time-out)
    │       └── InconsistentRead     a platform's pages contradict themselves
    ├── StateError               the state store cannot be used (e.g. a newer schema)
    │   ├── StateMismatch        the state belongs to other stores, or the target lost what it says
    │   └── MigrationLocked      another call holds this migration's lock (says who, since when)
    ├── ConfigurationError       an engine option names something that does not exist
    └── ConfirmationRequired     a destructive call was made without confirm=True

The engine catches ``CartMigrateError`` per entity: that entity fails alone,
is listed in the report and retried by the next call. A ``TransientError`` is
what a retry might fix; an ``EntityRejected`` needs the data or the rules fixed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ._redact import scrub, scrub_value

__all__ = [
    "AuthenticationError",
    "CartMigrateError",
    "ConfigurationError",
    "ConfirmationRequired",
    "ConnectorError",
    "DuplicateEntity",
    "EntityNotFound",
    "EntityRejected",
    "InconsistentRead",
    "InvalidEntity",
    "MappingError",
    "MigrationLocked",
    "StateError",
    "StateMismatch",
    "StoreUnreachable",
    "TransientError",
    "UnsupportedEntity",
    "WriteOutcomeUnknown",
]


class CartMigrateError(Exception):
    """Base class of every error cartmigrate raises on purpose.

    Its messages and string attributes pass through ``scrub``: a platform
    message may quote the request, credentials included (see ``_redact``).
    """

    def __init__(self, *args: object) -> None:
        super().__init__(*(scrub_value(arg) for arg in args))

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, scrub_value(value))

    def __str__(self) -> str:
        return scrub(super().__str__())


class InvalidEntity(CartMigrateError, ValueError):
    """A model got a value it cannot hold; says which model and which field."""

    def __init__(self, model: str, field: str, message: str) -> None:
        self.model = model
        self.field = field
        self.message = message
        super().__init__(f"{model}.{field}: {message}")


class MappingError(CartMigrateError):
    """A mapping rule raised or returned something unusable for an entity."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        self.field = field
        super().__init__(message)


class ConnectorError(CartMigrateError):
    """A cart could not carry out a request.

    ``platform_message`` is the platform's own words, kept verbatim so a user
    can search for them; ``field`` names the offending field where known.
    """

    def __init__(
        self,
        message: str,
        *,
        entity: str | None = None,
        field: str | None = None,
        platform_message: str | None = None,
        status_code: int | None = None,
    ) -> None:
        self.entity = entity
        self.field = field
        self.platform_message = platform_message
        self.status_code = status_code
        super().__init__(message)


class UnsupportedEntity(ConnectorError):
    """The cart cannot read or write this entity type at all."""


class AuthenticationError(ConnectorError):
    """Credentials are missing, wrong or lack a permission."""


class EntityNotFound(ConnectorError):
    """No entity with the given id exists on the cart."""


class EntityRejected(ConnectorError):
    """The platform refused the record; retrying the same data will not help."""


class DuplicateEntity(EntityRejected):
    """The record collides with an existing one (same SKU, e-mail, number...).

    ``existing_id`` is the id of the entity already there, when the platform says.
    """

    def __init__(self, message: str, *, existing_id: str | None = None, **kwargs: object) -> None:
        self.existing_id = existing_id
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class TransientError(ConnectorError):
    """A failure that may pass: server errors, time-outs, exhausted rate-limit retries."""


class WriteOutcomeUnknown(TransientError):
    """A write reached the platform but its answer was lost: it may have been applied.

    Never repeat such a write blindly; look the entity up first.
    """


class StoreUnreachable(TransientError):
    """The store's host could not be reached at all: its name did not resolve, it
    refused the connection, or did not answer the connection in time.

    Nothing was sent. The engine stops the call at once: every other request
    would fail the same way.
    """


class InconsistentRead(TransientError):
    """A read's pages contradict themselves: a page holds the same records as one
    read before (a host ignoring ``?page``, a cache serving one page twice), or
    there are more pages than the platform's own totals said.

    Following on would loop for ever or silently skip what the repeated page
    hid; the read stops instead, what it read is kept, the next call reads again.
    """


class StateError(CartMigrateError):
    """The state store cannot be used as it is."""


class StateMismatch(StateError):
    """The state does not belong to these stores, or the target no longer holds
    what the state says was migrated there.

    Using it would report entities as migrated that are not there. The message
    says what to do: use the right state, ``remigrate``, or ``rebind``.
    """


class MigrationLocked(StateError):
    """Another call is running this migration: one runs at a time per state.

    ``holder`` says who (host, process, call) and ``since`` since when, as the
    holder recorded them; either is None when the store could not tell (the
    holder had just taken the lock). The lock is the database's or the
    operating system's own, so a crashed holder's lock is already gone.
    """

    def __init__(
        self, message: str, *, holder: str | None = None, since: dt.datetime | None = None
    ) -> None:
        self.holder = holder
        self.since = since
        super().__init__(message)


class ConfigurationError(CartMigrateError, ValueError):
    """An option names an entity type or field that does not exist."""


class ConfirmationRequired(CartMigrateError):
    """A destructive call was made without ``confirm=True``; nothing was changed."""
