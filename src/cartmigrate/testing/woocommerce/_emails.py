"""The e-mails the simulated store would send, by WooCommerce's template ids.

A test asks ``sim.emails`` what a real store would have sent its customers
and its admin; each template can be switched off as under WooCommerce ->
Settings -> Emails (``Store.email_enabled``), which is what a connector
does around its writes.
"""

from __future__ import annotations

import attrs

__all__ = ["EMAIL_TEMPLATES", "SentEmail"]

#: The e-mails a store sends on its own, by WooCommerce's template ids
#: ("customer_invoice" is only sent by hand and has no on/off setting).
EMAIL_TEMPLATES = (
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


@attrs.define(frozen=True)
class SentEmail:
    """An e-mail the real store would have sent (template id as in WooCommerce)."""

    template: str
    to: str
    about: int
