"""Stop a call at the first error every other request would repeat.

Refused credentials and an unreachable host are not one entity's problem:
retrying them type after type and entity after entity costs minutes and
fills the report with the same line. The engine raises ``StopCall`` where it
would record such an error against one entity; being no ``CartMigrateError``
it passes every per-entity handler, and the call reports it once, saying
which store and what to check. What was written before stays recorded (an
interrupted create is looked up by the next call), so nothing is lost or
duplicated.
"""

from __future__ import annotations

from .._exceptions import AuthenticationError, CartMigrateError, StoreUnreachable
from ..connectors import Cart
from ._report import Failure, Report

__all__ = ["StopCall", "is_fatal", "preflight", "report_stop", "stop_if_fatal"]

_WHAT_TO_CHECK = {
    AuthenticationError: "check the credentials and the permissions (scopes) they grant",
    StoreUnreachable: "check the address and the network, and that the store is up",
}


class StopCall(Exception):
    """Internal: end this call now because of ``error``."""

    def __init__(self, error: CartMigrateError, *, store: str | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.store = store


def is_fatal(error: BaseException) -> bool:
    return isinstance(error, AuthenticationError | StoreUnreachable)


def stop_if_fatal(error: BaseException) -> None:
    """Raise ``StopCall`` for an error that every further request would repeat."""
    if isinstance(error, CartMigrateError) and is_fatal(error):
        raise StopCall(error) from error


def report_stop(report: Report, stop: StopCall) -> None:
    """The one failure a stopped call reports."""
    error = stop.error
    check = next((v for k, v in _WHAT_TO_CHECK.items() if isinstance(error, k)), "")
    where = f"{stop.store}: " if stop.store else ""
    report.failures.append(
        Failure(
            entity="*",
            source_id="*",
            error=type(error).__name__,
            message=f"{where}{error} — the call stopped here, nothing more was sent; {check}",
        )
    )


def preflight(source: Cart, target: Cart) -> None:
    """The cheap part of ``check()``: each store answers and takes its credentials.

    One request per store at most (``Cart.check_access``); an error every
    request would repeat stops the call, naming the store. Anything else is
    left to the call, which reports it where it happens.
    """
    for side, cart in (("source", source), ("target", target)):
        try:
            cart.check_access()
        except CartMigrateError as error:
            if is_fatal(error):
                raise StopCall(error, store=f"{side} {cart.store_identity}") from error
