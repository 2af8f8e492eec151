"""Switching WooCommerce's own e-mails off while a migration writes, and back on.

WooCommerce e-mails on its own: "New account" for every customer created, and
"New order", "Processing order", "Completed order"... on every order status
transition, historical orders included. The REST API has no per-request
switch, but its settings API has each e-mail's "Enable this email" checkbox
(``/settings/email_<id>/enabled``). So before the first customer or order is
written, the e-mails that are on are switched off, and only those are
switched back on when the cart closes (or, as a safety net, when the process
exits). While they are off the store sends none of them, to anyone: mute a
store that is not selling yet, or pass ``mute_emails=False``.
"""

from __future__ import annotations

import atexit
import logging
import threading

from ..._exceptions import CartMigrateError
from .._http import HttpClient, run_concurrently

__all__ = ["EMAILS", "EmailSwitch"]

logger = logging.getLogger("cartmigrate.woocommerce")

#: The e-mails WooCommerce sends by itself when customers and orders are written
#: (ids as in WooCommerce -> Settings -> Emails; "customer_invoice" is only
#: ever sent by hand, so it has no switch).
EMAILS = (
    "new_order",
    "cancelled_order",
    "failed_order",
    "customer_on_hold_order",
    "customer_processing_order",
    "customer_completed_order",
    "customer_refunded_order",
    "customer_note",
    "customer_new_account",
)


class EmailSwitch:
    """Remembers which e-mails this cart switched off, to switch exactly those back on."""

    def __init__(self, http: HttpClient, *, store: str, max_concurrency: int = 4) -> None:
        self._http = http
        self._store = store
        self._max_concurrency = max_concurrency
        self._lock = threading.Lock()
        self.muted: list[str] | None = None  # None: not switched yet
        self.unmutable: list[str] = []

    def _path(self, email: str) -> str:
        return f"wc/v3/settings/email_{email}/enabled"

    def silence(self) -> None:
        """Switch off every e-mail that is on; once per cart, whatever the threads."""
        with self._lock:
            if self.muted is not None:
                return
            switched = run_concurrently(self._switch_off, EMAILS, max_workers=self._max_concurrency)
            muted = [email for email, off in zip(EMAILS, switched, strict=True) if off]
            self.muted = muted
            if muted:
                atexit.register(self.restore)
                logger.info(
                    "%s: e-mails switched off while writing: %s", self._store, ", ".join(muted)
                )

    def _switch_off(self, email: str) -> bool:
        """Switch one e-mail off if it is on; whether this call did."""
        try:
            current = self._http.request("GET", self._path(email)).json()
            if current.get("value") != "yes":
                return False
            self._http.request("PUT", self._path(email), json={"value": "no"})
        except CartMigrateError as error:
            self.unmutable.append(email)
            logger.warning(
                "%s: could not switch off the %r e-mail (%s): the store may send it",
                self._store,
                email,
                error,
            )
            return False
        return True

    def _switch_on(self, email: str) -> None:
        try:
            self._http.request("PUT", self._path(email), json={"value": "yes"})
        except CartMigrateError as error:
            logger.error(
                "%s: could not switch the %r e-mail back on (%s): switch it on in"
                " WooCommerce -> Settings -> Emails",
                self._store,
                email,
                error,
            )

    def restore(self) -> None:
        """Switch back on what ``silence`` switched off."""
        with self._lock:
            muted, self.muted = self.muted or [], None
            atexit.unregister(self.restore)
            # One at a time: this also runs at interpreter exit, when no new
            # threads may start.
            for email in muted:
                self._switch_on(email)
