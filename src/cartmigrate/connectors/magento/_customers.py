"""Customers and their addresses.

The first address is the default billing one and the second (else the same)
the default shipping one, and they read back in that order. Magento wants a
region id for countries with a region list (the US: "TX" is 57), looked up by
code or name in the directory; it wants a telephone on every address, so an
address without one is written with "-" and read back without. The
customer's phone is the default billing address's telephone: Magento keeps
phones on addresses only.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from ..._exceptions import DuplicateEntity, EntityNotFound, WriteOutcomeUnknown
from ...models import Address, Customer
from .._base import Created
from ._api import Filter, magento_time, parse_time
from ._resource import Context, Resource

__all__ = ["CustomerResource", "Directory", "address_from_raw"]

#: Where a new customer is created. ``POST /customers`` is
#: ``AccountManagement::createAccount``, which ends in ``sendEmailConfirmation`` and e-mails
#: every new account (module-customer Model/AccountManagement.php line 952; no flag skips it).
#: ``PUT /customers/:customerId`` is ``CustomerRepository::save`` (etc/webapi.xml), which sends
#: nothing; its REST plugin ``UpdateCustomer::beforeSave`` merges the body into the stored
#: customer only when ``(int) customerId`` is not 0 (Model/Plugin/UpdateCustomer.php), so with 0
#: and a body without an id the repository saves a new customer: the same record (addresses
#: and their defaults, group, ``created_at``, website and store, ``created_in``) and no e-mail.
#: Measured on the real 2.4.7 store: 0 mails, where ``POST /customers`` logs one each.
NEW_CUSTOMER_PATH = "customers/0"

_WRITABLE = frozenset({"email", "first_name", "last_name", "phone", "addresses", "group"})
NO_PHONE = "-"


def address_from_raw(raw: Mapping[str, Any]) -> Address:
    street = [str(s) for s in raw.get("street") or () if s]
    region = raw.get("region")
    if isinstance(region, Mapping):
        region_text = region.get("region_code") or region.get("region")
    else:
        region_text = raw.get("region_code") or region
    phone = raw.get("telephone")
    return Address(
        first_name=raw.get("firstname"),
        last_name=raw.get("lastname"),
        company=raw.get("company") or None,
        line1=street[0] if street else None,
        line2=", ".join(street[1:]) or None,
        city=raw.get("city"),
        region=region_text or None,
        postcode=raw.get("postcode"),
        country=raw.get("country_id") or None,
        phone=phone if phone and phone != NO_PHONE else None,
    )


class Directory:
    """Countries' region lists, fetched once each."""

    def __init__(self, ctx: Context) -> None:
        self._api = ctx.api
        self._regions: dict[str, list[Mapping[str, Any]]] = {}
        self._lock = threading.Lock()

    def region_id(self, country: str, region: str) -> int | None:
        with self._lock:
            if country not in self._regions:
                try:
                    raw = self._api.get(f"directory/countries/{country}")
                except EntityNotFound:
                    raw = {}
                self._regions[country] = list(raw.get("available_regions") or ())
            regions = self._regions[country]
        wanted = region.strip().casefold()
        for item in regions:
            if wanted in (str(item.get("code")).casefold(), str(item.get("name")).casefold()):
                return int(item["id"])
        return None

    def address(
        self, address: Address, customer: Customer | None, *, phone: str | None
    ) -> dict[str, Any]:
        """An address body (order and customer addresses share the fields)."""
        body: dict[str, Any] = {
            "firstname": address.first_name or (customer.first_name if customer else None) or "-",
            "lastname": address.last_name or (customer.last_name if customer else None) or "-",
            "street": [s for s in (address.line1, address.line2) if s] or ["-"],
            "city": address.city or "-",
            "postcode": address.postcode or "-",
            "country_id": address.country or "US",
            "telephone": address.phone or phone or NO_PHONE,
        }
        if address.company:
            body["company"] = address.company
        if address.region:
            region_id = self.region_id(body["country_id"], address.region)
            if region_id is not None:
                body["region_id"] = region_id
            else:
                body["region"] = {"region": address.region}
        return body


class CustomerResource(Resource[Customer]):
    kind = Customer
    list_path = "customers/search"

    def __init__(self, ctx: Context, *, directory: Directory, website: int) -> None:
        super().__init__(ctx)
        self.directory = directory
        self._website = website
        self._groups: dict[str, str] | None = None
        self._lock = threading.RLock()

    def groups(self) -> dict[str, str]:
        """group id -> group code."""
        with self._lock:  # re-entrant: group_id holds it too
            if self._groups is None:
                pages = self.api.search("customerGroups/search", size=200, sort="id")
                self._groups = {str(g["id"]): str(g.get("code")) for page in pages for g in page}
            return self._groups

    def to_model(self, raw: Mapping[str, Any], context: Any) -> Customer:
        addresses = list(raw.get("addresses") or ())
        billing = str(raw.get("default_billing") or "")
        shipping = str(raw.get("default_shipping") or "")

        def rank(address: Mapping[str, Any]) -> tuple[int, int]:
            ident = str(address.get("id"))
            order = 0 if ident == billing else 1 if ident == shipping else 2
            return order, int(address.get("id") or 0)

        addresses.sort(key=rank)
        if billing and billing == shipping and len(addresses) > 1:
            # The models' second address is the shipping one: said, since a
            # target takes it for the default shipping address.
            self.ctx.report_not_read(
                Customer,
                str(raw["id"]),
                "addresses",
                "the default shipping address is the default billing one, which the models"
                " cannot say beside other addresses: the second address (Magento address"
                f" {addresses[1].get('id')}) reads as the shipping one",
            )
        models = [address_from_raw(a) for a in addresses]
        return Customer(
            id=str(raw["id"]),
            email=raw.get("email") or "",
            first_name=raw.get("firstname"),
            last_name=raw.get("lastname"),
            phone=models[0].phone if models else None,
            addresses=models,
            group=self.groups().get(str(raw.get("group_id"))),
            created_at=parse_time(raw.get("created_at")),
            updated_at=parse_time(raw.get("updated_at")),
            extra={
                "website_id": raw.get("website_id"),
                "store_id": raw.get("store_id"),
                "dob": raw.get("dob"),
                "gender": raw.get("gender"),
            },
        )

    def find(self, natural_key: str) -> Customer | None:
        key = natural_key.strip()
        if not key:
            return None
        items, _ = self.api.page(self.list_path, [Filter("email", key)])
        for customer in self.convert_all(items):
            if customer.email.casefold() == key.casefold():
                return customer
        return None

    def group_id(self, group: str | None) -> int:
        """The id of the customer group named ``group``, created when the store has none."""
        if not group or not group.strip():
            return 1  # "General", Magento's default group for new accounts
        wanted = group.strip()
        with self._lock:
            for ident, code in self.groups().items():
                if code.casefold() == wanted.casefold():  # Magento's codes ignore case
                    return int(ident)
            # "Retail customer tax class" (3) is the one Magento's own groups use.
            answer = self.api.send(
                "POST", "customerGroups", {"group": {"code": wanted, "tax_class_id": 3}}
            )
            ident = str(answer["id"])
            self.groups()[ident] = wanted
            return int(ident)

    def body(self, customer: Customer) -> dict[str, Any]:
        addresses = [
            self.directory.address(a, customer, phone=customer.phone if i == 0 else None)
            for i, a in enumerate(customer.addresses)
        ]
        for position, address in enumerate(addresses):
            address["default_billing"] = position == 0
            address["default_shipping"] = position == (1 if len(addresses) > 1 else 0)
        body: dict[str, Any] = {
            "email": customer.email,
            "firstname": customer.first_name or "-",
            "lastname": customer.last_name or "-",
            "website_id": self._website,
            "group_id": self.group_id(customer.group),
            "addresses": addresses,
        }
        if customer.created_at is not None:
            body["created_at"] = magento_time(customer.created_at)
        return body

    def create(self, entity: Customer) -> Created:
        # ``PUT /customers/0``, not ``POST /customers``: see NEW_CUSTOMER_PATH. Not idempotent:
        # a second PUT would be a second create (refused as a duplicate e-mail), so a lost
        # answer is looked up by e-mail instead of being sent again.
        try:
            raw = self.api.send(
                "PUT", NEW_CUSTOMER_PATH, {"customer": self.body(entity)}, idempotent=False
            )
        except DuplicateEntity as error:
            found = self.find(entity.email)
            error.existing_id = found.id if found else None
            error.entity = "customer"
            raise
        except WriteOutcomeUnknown:
            # It may be in: the e-mail says (it was free, or the create had failed).
            found = self.find(entity.email)
            if found is None or found.id is None:
                raise
            return Created(id=found.id)
        return Created(id=str(raw["id"]))

    def update(self, id: str, changes: Mapping[str, Any], *, parent_id: str | None) -> None:
        if not id.isdigit():
            raise EntityNotFound(f"magento: no customer {id}", entity="customer", status_code=404)
        raw = self.api.get(f"customers/{id}")
        updated = self.evolve(self.to_model(raw, None), changes, _WRITABLE)
        body = {
            "id": int(id),
            "email": updated.email,
            "firstname": updated.first_name or "-",
            "lastname": updated.last_name or "-",
            "website_id": raw.get("website_id") or self._website,
            "group_id": self.group_id(updated.group) if "group" in changes else raw.get("group_id"),
        }
        if {"addresses", "phone"} & set(changes):
            # Addresses are replaced as a whole: the body's list is the new list.
            body["addresses"] = self.body(updated)["addresses"]
        else:
            body["addresses"] = list(raw.get("addresses") or ())
        self.api.send("PUT", f"customers/{id}", {"customer": body})

    def delete(self, id: str) -> None:
        if not id.isdigit():
            raise EntityNotFound(f"magento: no customer {id}", entity="customer", status_code=404)
        self.api.send("DELETE", f"customers/{id}")

    def notes(self) -> tuple[str, ...]:
        return (
            "passwords cannot be migrated: customers set a new one with 'Forgot your password'"
            " (they are created through the customer repository, PUT /customers/0, which sends"
            " no welcome e-mail and so no link to set a password either)",
            "an address without a telephone is stored with '-' (Magento requires one)",
            "a customer group the store lacks is created (tax class 'Retail Customer'); one"
            " that differs only in case is the store's ('wholesale' is 'Wholesale')",
        )
