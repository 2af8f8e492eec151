"""What the WooCommerce cart tells a run's report about each entity type it writes.

Some of what a migration does to a WooCommerce store is not a field of any
entity and would go unsaid: the store's own e-mails (switched off while
cartmigrate writes, or not), passwords that cannot be carried, downloads
linked where they are, images reused from the media library, and order
numbers the store assigns itself. They are said once per type, here.
"""

from __future__ import annotations

from ...models import Customer, Entity, Order, Product
from ._emails import EmailSwitch

__all__ = ["write_notes"]


def write_notes(
    kind: type[Entity], *, emails: EmailSwitch | None, reused_media: int
) -> tuple[str, ...]:
    """What a run is told before it writes ``kind``: e-mails, passwords, files,
    media and order numbers (``emails`` is None when the cart does not mute them)."""
    notes: list[str] = []
    if kind in (Customer, Order) and emails is not None and emails.recover():
        notes.append(
            "an earlier run ended without switching WooCommerce's e-mails back on;"
            f" switched back on: {', '.join(emails.restored)}"
        )
    if kind in (Customer, Order):
        if emails is not None and emails.unmutable:
            notes.append(
                "these WooCommerce e-mails could not be switched off and may have been"
                f" sent: {', '.join(sorted(set(emails.unmutable)))}"
                " (the REST key needs to manage settings)"
            )
        elif emails is not None:
            notes.append(
                "WooCommerce's own e-mails (new account, order status) are switched off"
                " while cartmigrate writes, and back on when the cart is closed"
            )
        else:
            notes.append(
                "WooCommerce e-mails each new customer and each order status change"
                " (mute_emails=False)"
            )
    if kind is Customer:
        notes.append("passwords are not migrated: customers set a new one ('Lost password')")
    if kind is Product:
        notes.append(
            "downloadable products link to their files where they are (not copied);"
            " dimensions and weights are converted to the store's units"
        )
    if kind is Product and reused_media:
        notes.append(
            f"images of deleted products stay in WordPress's media library (the REST key"
            f" cannot delete media); {reused_media} were reused for the products"
            " created again instead of being downloaded twice"
        )
    if kind is Order:
        notes.append("WooCommerce numbers orders itself; the source number is kept in meta")
    return tuple(notes)
