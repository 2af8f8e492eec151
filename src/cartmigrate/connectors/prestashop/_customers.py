"""Customers and their addresses (``addresses`` rows with ``id_customer``).

A page of customers costs two listings: the customers and their addresses
(countries, states and groups come from cached tables). The password hash,
``secure_key`` and reset token the webservice returns are never kept.

Writing: a password cannot be moved (the source holds only a hash), so each
new customer gets a random one and must reset it. The e-mail is looked up
before the POST: PrestaShop refuses a second account with it (500 code 140),
and knowing it was absent lets a create whose answer was lost be resolved by
e-mail. A customer whose addresses could not be written is deleted and the
error raised, so the next call creates it whole.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from ..._exceptions import (
    CartMigrateError,
    DuplicateEntity,
    EntityNotFound,
    TransientError,
)
from ...models import Address, Customer
from .._base import Created
from .._records import tracked
from ._lookups import Lookups
from ._resource import Resource, Row
from ._values import field, timestamp
from ._xml import Assoc

__all__ = ["CustomerResource", "address_model", "placed"]

logger = logging.getLogger("cartmigrate.prestashop")

#: What PrestaShop requires where the model has nothing (its validators refuse "").
PLACEHOLDER_NAME = "Customer"
PLACEHOLDER = "-"
#: The private note of a customer whose addresses are still being written.
CREATING = "cartmigrate: being created"
_SECRET_FIELDS = frozenset({"passwd", "secure_key", "reset_password_token", "last_passwd_gen"})
_EXTRA = ("newsletter", "optin", "birthday", "company", "active", "is_guest", "note", "id_gender")


def address_model(row: Row, resource: Resource[Any]) -> Address:
    """An ``addresses`` row as an ``Address`` (country and state by ISO code)."""
    lookups = resource.lookups
    state = lookups.states().get(field(row, "id_state", "0"))
    return Address(
        first_name=field(row, "firstname") or None,
        last_name=field(row, "lastname") or None,
        company=field(row, "company") or None,
        line1=field(row, "address1") or None,
        line2=field(row, "address2") or None,
        city=field(row, "city").strip() or None,
        region=state[1] if state else None,
        postcode=field(row, "postcode") or None,
        country=lookups.countries().get(field(row, "id_country")) or None,
        phone=field(row, "phone") or field(row, "phone_mobile") or None,
    )


def placed(customer: Customer, lookups: Lookups) -> tuple[Customer, str | None]:
    """``customer`` with its addresses as the shop keeps them, and what of
    them it could not place: a country the shop lacks is written as its
    default country, and a region none of the country's states names is
    written without a state (``address_fields``)."""
    countries = lookups.countries()
    addresses: list[Address] = []
    problems: list[str] = []
    for position, address in enumerate(customer.addresses):
        country = lookups.country_id(address.country)
        if country is None:
            country = lookups.default_country()
            if address.country:
                problems.append(
                    f"address {position + 1}: {address.country!r} is not a country of this"
                    f" shop, written as {countries.get(country, country)}"
                )
        state = lookups.state_id(country, address.region)
        if address.region and state is None:
            problems.append(
                f"address {position + 1}: {address.region!r} is no state of"
                f" {countries.get(country, country)} here, written without one"
            )
        code = lookups.states()[state][1] if state is not None else None
        addresses.append(attrs.evolve(address, country=countries.get(country) or None, region=code))
    stored = attrs.evolve(customer, addresses=addresses) if customer.addresses else customer
    return stored, "; ".join(problems) or None


class CustomerResource(Resource[Customer]):
    kind = Customer
    route = "customers"
    element = "customer"
    writable = frozenset({"email", "first_name", "last_name", "group", "addresses", "phone"})

    def list_params(self) -> dict[str, Any]:
        return {"filter[deleted]": "[0]"}

    def since_pages(self, since: dt.datetime) -> Iterator[list[Row]]:
        """Customers changed since, and those whose addresses changed (an address
        edit does not move the customer's ``date_upd``)."""
        seen: set[str] = set()
        for page in super().since_pages(since):
            seen.update(str(r.get("id")) for r in page if isinstance(r, dict))
            yield page
        params = {"filter[deleted]": "[0]", **self.since_params(since)}
        moved = {field(r, "id_customer", "0") for r in self.ws.all("addresses", params)}
        others = sorted(moved - seen - {"0"}, key=int)
        if others:
            yield self.ws.by_ids(self.route, others, self.list_params(), records=True)

    def follow_ups(self, rows: Sequence[Row]) -> dict[str, list[Row]]:
        ids = [str(r["id"]) for r in rows]
        by_customer: dict[str, list[Row]] = {}
        if ids:
            params = {"filter[deleted]": "[0]"}
            for row in self.ws.where("addresses", "id_customer", ids, params):
                by_customer.setdefault(field(row, "id_customer"), []).append(row)
        return by_customer

    def to_model(self, row: Row, extras: Any) -> Customer:
        rows = sorted(extras.get(str(row["id"]), []), key=lambda r: int(r["id"]))
        # Read apart from the customer: a bad value is named "addresses[0].city".
        addresses = [address_model(r, self) for r in tracked(rows, "addresses")]
        phone = next((a.phone for a in addresses if a.phone), None)
        group = self.lookups.groups().get(field(row, "id_default_group", "0"))
        extra: dict[str, Any] = {
            k: field(row, k) for k in _EXTRA if k in row and k not in _SECRET_FIELDS
        }
        extra["address_ids"] = tuple(str(r["id"]) for r in rows)
        return Customer(
            id=str(row["id"]),
            email=field(row, "email"),
            first_name=field(row, "firstname") or None,
            last_name=field(row, "lastname") or None,
            phone=phone,
            addresses=addresses,
            group=group,
            created_at=timestamp(row, "date_add", self.zone),
            updated_at=timestamp(row, "date_upd", self.zone),
            extra=extra,
        )

    def find_params(self, natural_key: str) -> list[dict[str, Any]]:
        return [{"filter[email]": f"[{natural_key}]", **self.list_params()}]

    def finished(self, model: Customer) -> bool:
        return model.extra.get("note") != CREATING

    # -- writing ---------------------------------------------------------------
    def _ids_with_email(self, email: str) -> list[tuple[str, bool]]:
        """(id, whether an interrupted create left it unfinished) of every account
        with this e-mail, oldest first, in one request."""
        rows = self.ws.all(self.route, {"filter[email]": f"[{email}]"}, display="[id,note]")
        found = [(str(r["id"]), field(r, "note") == CREATING) for r in rows]
        return sorted(found, key=lambda pair: int(pair[0]))

    def fields(self, customer: Customer) -> dict[str, Any]:
        group = self.lookups.group_id(customer.group) or self.lookups.customer_group()
        return {
            "firstname": customer.first_name or PLACEHOLDER_NAME,
            "lastname": customer.last_name or PLACEHOLDER_NAME,
            "email": customer.email,
            "id_default_group": group,
            "active": 1,
            "associations": {"groups": _group_rows(group)},
        }

    def create(self, entity: Customer) -> Created:
        # A customer with addresses is posted with a private note saying it is
        # being made, cleared once its addresses are in: one an interrupted
        # create left with the note is ours, removed and made again, never
        # adopted without its addresses.
        existing: list[str] = []
        for customer_id, unfinished in self._ids_with_email(entity.email):
            if not unfinished:
                existing.append(customer_id)
            elif not self._discard(customer_id):
                raise TransientError(
                    f"prestashop: customer {customer_id} ({entity.email}) was left unfinished"
                    " by an interrupted create and could not be removed yet"
                )
        if existing:
            raise DuplicateEntity(
                f"prestashop: e-mail {entity.email!r} is already registered"
                f" (customer {existing[0]})",
                existing_id=existing[0],
                entity="customer",
                field="email",
            )
        body = {**self.fields(entity), "passwd": secrets.token_urlsafe(18)}
        if entity.addresses:
            body["note"] = CREATING
        try:
            customer_id = self.post_settled(
                body,
                self.lookups.languages(),
                lambda: {i for i, _ in self._ids_with_email(entity.email)},
                set(existing),
            )
        except DuplicateEntity as error:
            found = [i for i, _ in self._ids_with_email(entity.email)]
            error.existing_id = found[0] if found else None
            raise
        try:
            for position, address in enumerate(entity.addresses):
                self._post_address(customer_id, entity, address, position)
            if entity.addresses:
                self.ws.patch(self.route, self.element, customer_id, {"note": ""}, [])
        except CartMigrateError as error:
            self._discard(customer_id)
            raise TransientError(
                f"prestashop: addresses of customer {entity.email} could not be written"
                f" ({error}); the customer was removed and will be created again"
            ) from error
        return Created(id=customer_id)

    def _discard(self, customer_id: str) -> bool:
        """Delete a half-made customer and the addresses it got; say whether it is gone."""
        try:
            for row in self.ws.all("addresses", {"filter[id_customer]": f"[{customer_id}]"}):
                self.ws.delete("addresses", str(row["id"]))
            self.delete(customer_id)
        except EntityNotFound:
            return True
        except CartMigrateError as error:
            logger.warning("prestashop: could not remove customer %s: %s", customer_id, error)
            return False
        return True

    def address_fields(
        self, customer_id: str, customer: Customer, address: Address, position: int
    ) -> dict[str, Any]:
        lookups = self.lookups
        country = lookups.country_id(address.country) or lookups.default_country()
        phone = address.phone or (customer.phone if position == 0 else None)
        return {
            "id_customer": customer_id,
            "id_country": country,
            "id_state": lookups.state_id(country, address.region) or 0,
            "alias": f"Address {position + 1}",
            "firstname": address.first_name or customer.first_name or PLACEHOLDER_NAME,
            "lastname": address.last_name or customer.last_name or PLACEHOLDER_NAME,
            "company": address.company or "",
            "address1": address.line1 or PLACEHOLDER,
            "address2": address.line2 or "",
            "city": address.city or PLACEHOLDER,
            "postcode": address.postcode or "",
            "phone": phone or "",
        }

    def _post_address(
        self, customer_id: str, customer: Customer, address: Address, position: int
    ) -> str:
        fields = self.address_fields(customer_id, customer, address, position)
        answer = self.ws.create("addresses", "address", fields, [])
        return str(answer["id"])

    def update(self, id: str, changes: Mapping[str, Any], parent_id: str | None) -> None:
        self.check_fields(changes)
        current = self.current(id)
        updated = self.evolve(current, changes)
        full = self.fields(updated)
        keys = {
            "email": ("email",),
            "first_name": ("firstname",),
            "last_name": ("lastname",),
            "group": ("id_default_group", "associations"),
        }
        body = {key: full[key] for name in changes for key in keys.get(name, ())}
        if body:
            self.ws.patch(self.route, self.element, id, body, self.lookups.languages())
        if {"addresses", "phone"} & set(changes):
            self._replace_addresses(id, current, updated)

    def _replace_addresses(self, id: str, current: Customer, updated: Customer) -> None:
        """PATCH the addresses there are, POST the new ones, delete the rest."""
        old_ids = list(current.extra.get("address_ids", ()))
        for position, address in enumerate(updated.addresses):
            fields = self.address_fields(id, updated, address, position)
            if position < len(old_ids):
                fields.pop("alias")
                self.ws.patch("addresses", "address", old_ids[position], fields, [])
            else:
                self._post_address(id, updated, address, position)
        for address_id in old_ids[len(updated.addresses) :]:
            self.ws.delete("addresses", address_id)


def _group_rows(group: str) -> Assoc:
    return Assoc("group", [{"id": group}])
