"""Switching the "Payment error" e-mail off while a historical order is born, and back on.

A migrated order is posted with a paid total that does not match its cart,
so PrestaShop makes it in state 8 "Payment error" without taking stock (see
``_order_writes``) — and e-mails the customer that state's template. The
webservice has no per-request switch, but the state has one:
``order_states.send_email``. It is switched off just before the order POST
and back on right after (threads share one switch: the first order in
switches it off, the last one out switches it back on).

A process can die in between (``kill -9``, a power cut) and leave the shop
never telling a real customer of a payment error. So what is about to be
switched off is first written to a small record file (one per store and
process, no credentials), fsynced, and only then switched; the file goes
once the state is back on. The next cart for that store (its preflight, or
its first order write) finds a record whose process is gone, switches the
e-mail back on and says so in its report (``restored``).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from ..._exceptions import CartMigrateError, TransientError
from .._switch_record import SwitchRecord
from ._values import field
from ._ws import Webservice

__all__ = ["StateMails"]

logger = logging.getLogger("cartmigrate.prestashop")


class StateMails:
    """Holds one order state's e-mail off while orders are being born."""

    def __init__(self, ws: Webservice, *, url: str, record_dir: Path | None = None) -> None:
        self._ws = ws
        self._lock = threading.Lock()
        self._holders = 0
        self._switched: list[str] = []
        #: States an earlier, interrupted run left silent and this cart switched back on.
        self.restored: list[str] = []
        #: States this cart could not switch back on (kept in the record for the next run).
        self.unrestored: list[str] = []
        self._record = SwitchRecord(
            kind="prestashop-mails", url=url, key="states", record_dir=record_dir
        )
        self._recovered = False

    def recover(self) -> list[str]:
        """Switch back on what a dead process left off (once per cart); what it did."""
        with self._lock:
            if self._recovered:
                return self.restored
            self._recovered = True
            for path, states in self._record.stale():
                failed = [s for s in states if not self._switch(s, on=True)]
                if failed:
                    continue  # kept: the next run tries again
                path.unlink(missing_ok=True)
                self.restored.extend(s for s in states if s not in self.restored)
                logger.warning(
                    "prestashop: an earlier run ended with the e-mail of order state(s) %s"
                    " switched off; switched back on",
                    ", ".join(states) or "(none)",
                )
            return self.restored

    # -- the switch -------------------------------------------------------------
    def _sends(self, state: str) -> bool:
        rows = self._ws.all("order_states", {"filter[id]": f"[{state}]"}, display="[id,send_email]")
        return bool(rows) and field(rows[0], "send_email", "0") == "1"

    def _switch(self, state: str, *, on: bool) -> bool:
        try:
            self._ws.patch(
                "order_states", "order_state", state, {"send_email": "1" if on else "0"}, []
            )
        except CartMigrateError as error:
            if on:
                logger.error(
                    "prestashop: could not switch the e-mail of order state %s back on (%s):"
                    " tick 'Send an email to the customer' in Orders -> Statuses",
                    state,
                    error,
                )
            return False
        return True

    @contextlib.contextmanager
    def off(self, state: str) -> Iterator[None]:
        """``state``'s e-mail off inside the block (left as it was if it was off)."""
        self.recover()
        with self._lock:
            # Still switched off by the last one out, not yet back on: it stays off.
            if self._holders == 0 and not self._switched and self._sends(state):
                # Recorded before it is switched: a kill right after still leaves
                # the next run what it needs to switch it back on.
                self._record.write([state])
                if not self._switch(state, on=False):
                    self._record.drop()
                    raise TransientError(
                        f"prestashop: could not switch off the e-mail of order state {state};"
                        " the order was not written (it would have e-mailed the customer)"
                    )
                self._switched = [state]
                atexit.register(self.restore)
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                last = self._holders == 0
            if last:
                self.restore()

    def restore(self) -> None:
        """Switch back on what this cart switched off."""
        with self._lock:
            if self._holders:
                return
            switched, self._switched = self._switched, []
            atexit.unregister(self.restore)
            failed = [s for s in switched if not self._switch(s, on=True)]
            if failed:
                self.unrestored.extend(failed)
                self._record.write(failed)  # the next run switches them on
            else:
                self._record.drop()
