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

A process can die without either (``kill -9``, a power cut). So what is about
to be switched off is first written to a small record file (``record_dir``,
one file per store and cart, no credentials), fsynced, and only then switched
off; the file goes once they are back on. The next cart for that store finds a
record whose process is gone, switches those e-mails back on, and says so in
its report (``restored``).
"""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path

from ..._exceptions import CartMigrateError
from .._http import HttpClient, run_concurrently
from .._switch_record import SwitchRecord

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

    def __init__(
        self,
        http: HttpClient,
        *,
        store: str,
        url: str,
        record_dir: Path | None = None,
        max_concurrency: int = 4,
    ) -> None:
        self._http = http
        self._store = store
        self._max_concurrency = max_concurrency
        self._lock = threading.Lock()
        self.muted: list[str] | None = None  # None: not switched yet
        self.unmutable: list[str] = []
        #: E-mails an earlier, interrupted run left off and this cart switched back on.
        self.restored: list[str] = []
        self._record = SwitchRecord(
            kind="woocommerce-emails", url=url, key="muted", record_dir=record_dir
        )
        self._recovered = False

    def recover(self) -> list[str]:
        """Switch back on what a dead process left off (once per cart); what it did."""
        with self._lock:
            if self._recovered:
                return self.restored
            self._recovered = True
            for path, emails in self._record.stale():
                failed = [e for e in emails if not self._switch_on(e)]
                if failed:
                    continue  # keep the record: the next run tries again
                path.unlink(missing_ok=True)
                self.restored.extend(e for e in emails if e not in self.restored)
                logger.warning(
                    "%s: an earlier run ended without switching these e-mails back on;"
                    " switched them on: %s",
                    self._store,
                    ", ".join(emails) or "(none)",
                )
            return self.restored

    def _path(self, email: str) -> str:
        return f"wc/v3/settings/email_{email}/enabled"

    def silence(self) -> None:
        """Switch off every e-mail that is on; once per cart, whatever the threads."""
        self.recover()
        with self._lock:
            if self.muted is not None:
                return
            states = run_concurrently(self._is_on, EMAILS, max_workers=self._max_concurrency)
            on = [email for email, state in zip(EMAILS, states, strict=True) if state]
            # Recorded before anything is switched off: a kill right after still
            # leaves the next run what it needs to switch them back on.
            self._record.write(on)
            switched = run_concurrently(self._switch_off, on, max_workers=self._max_concurrency)
            muted = [email for email, off in zip(on, switched, strict=True) if off]
            self.muted = muted
            self._record.write(muted)
            if muted:
                atexit.register(self.restore)
                logger.info(
                    "%s: e-mails switched off while writing: %s", self._store, ", ".join(muted)
                )

    def _is_on(self, email: str) -> bool:
        try:
            current = self._http.request("GET", self._path(email)).json()
        except CartMigrateError as error:
            self.unmutable.append(email)
            logger.warning(
                "%s: could not read the %r e-mail setting (%s): the store may send it",
                self._store,
                email,
                error,
            )
            return False
        return bool(current.get("value") == "yes")

    def _switch_off(self, email: str) -> bool:
        """Switch one e-mail off; whether this call did."""
        try:
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

    def _switch_on(self, email: str) -> bool:
        try:
            self._http.request("PUT", self._path(email), json={"value": "yes"})
            return True
        except CartMigrateError as error:
            logger.error(
                "%s: could not switch the %r e-mail back on (%s): switch it on in"
                " WooCommerce -> Settings -> Emails",
                self._store,
                email,
                error,
            )
            return False

    def restore(self) -> None:
        """Switch back on what ``silence`` switched off (and what a dead run left off)."""
        self.recover()
        with self._lock:
            muted, self.muted = self.muted or [], None
            atexit.unregister(self.restore)
            # One at a time: this also runs at interpreter exit, when no new
            # threads may start.
            failed = [email for email in muted if not self._switch_on(email)]
            if failed:
                self._record.write(failed)  # the next run switches them on
            else:
                self._record.drop()
