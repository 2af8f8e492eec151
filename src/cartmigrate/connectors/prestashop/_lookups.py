"""The shop's small reference tables, read once per cart and kept.

Countries, states, currencies, languages, order states, carriers, customer
groups, product options and their values, tags: a reader turns their ids
into names (and a writer names into ids) without one request per entity.
Options and values are created by name when a write needs one that the shop
lacks. Every table is guarded by a lock: the engine may read in a second
thread while it writes.
"""

from __future__ import annotations

import datetime as dt
import threading
import zoneinfo
from collections.abc import Callable
from typing import Any

from ...models import LengthUnit, WeightUnit
from ._values import field, text
from ._ws import Webservice
from ._xml import Lang

__all__ = ["Lookups"]

_SETTINGS = (
    "PS_LANG_DEFAULT",
    "PS_TIMEZONE",
    "PS_COUNTRY_DEFAULT",
    "PS_CUSTOMER_GROUP",
    "PS_GUEST_GROUP",
    "PS_WEIGHT_UNIT",
    "PS_DIMENSION_UNIT",
)

#: PS_WEIGHT_UNIT is free text (Preferences → Localization); these are the
#: spellings of the four units the models know.
_WEIGHT_UNITS = {
    "kg": WeightUnit.KG,
    "kgs": WeightUnit.KG,
    "g": WeightUnit.G,
    "lb": WeightUnit.LBS,
    "lbs": WeightUnit.LBS,
    "oz": WeightUnit.OZ,
}
#: PS_DIMENSION_UNIT is free text too ("cm" in a new shop).
_LENGTH_UNITS = {
    "mm": LengthUnit.MM,
    "cm": LengthUnit.CM,
    "m": LengthUnit.M,
    "in": LengthUnit.IN,
    "inch": LengthUnit.IN,
    "yd": LengthUnit.YD,
}


class Lookups:
    """Cached id <-> name tables of one shop."""

    def __init__(
        self, ws: Webservice, *, language: int | None, zone: dt.tzinfo | None = None
    ) -> None:
        self._ws = ws
        self._language = language
        self._zone = zone
        self._lock = threading.RLock()
        self._tables: dict[str, Any] = {}

    # -- the shop's settings ------------------------------------------------
    def settings(self) -> dict[str, str]:
        """The few configuration values the connector needs, in one request."""

        def load() -> dict[str, str]:
            rows = self._ws.page(
                "configurations",
                offset=0,
                count=len(_SETTINGS) * 4,
                params={"filter[name]": "[" + "|".join(_SETTINGS) + "]"},
                display="[name,value]",
            )
            return {field(r, "name"): field(r, "value") for r in rows}

        found: dict[str, str] = self._cached("settings", load)
        return found

    @property
    def language(self) -> int:
        """The language read from multilingual fields: the option, else the shop's default."""
        if self._language is None:
            value = self.settings().get("PS_LANG_DEFAULT", "1")
            self._language = int(value) if value.isdigit() else 1
        return self._language

    @property
    def zone(self) -> dt.tzinfo:
        """The shop's time zone: its dates are local "Y-m-d H:i:s" without an offset."""
        if self._zone is None:
            name = self.settings().get("PS_TIMEZONE") or "UTC"
            try:
                self._zone = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                self._zone = dt.UTC
        return self._zone

    def default_country(self) -> str:
        return self.settings().get("PS_COUNTRY_DEFAULT") or "21"

    def customer_group(self) -> str:
        return self.settings().get("PS_CUSTOMER_GROUP") or "3"

    def weight_unit(self) -> WeightUnit | None:
        """The unit the shop's weights are in (PS_WEIGHT_UNIT), or None when it is
        not one of the four the models know: such weights travel as they are."""
        return _WEIGHT_UNITS.get((self.settings().get("PS_WEIGHT_UNIT") or "").strip().lower())

    def dimension_unit(self) -> LengthUnit | None:
        """The unit of the shop's product sizes (PS_DIMENSION_UNIT), or None when
        it is not one the models know."""
        return _LENGTH_UNITS.get((self.settings().get("PS_DIMENSION_UNIT") or "").strip().lower())

    def _cached(self, name: str, load: Callable[[], Any]) -> Any:
        with self._lock:
            if name not in self._tables:
                self._tables[name] = load()
            return self._tables[name]

    def forget(self, name: str) -> None:
        with self._lock:
            self._tables.pop(name, None)

    # -- languages and the home category -----------------------------------
    def languages(self) -> list[int]:
        """Every language id (a multilingual write fills each of them)."""

        def load() -> list[int]:
            rows = self._ws.all("languages", None)
            return sorted(int(row["id"]) for row in rows) or [self.language]

        found: list[int] = self._cached("languages", load)
        return found

    def home_category(self) -> str:
        """The shop's root category ("Home"), parent of top-level categories."""

        def load() -> str:
            rows = self._ws.page(
                "categories",
                offset=0,
                count=1,
                params={"filter[is_root_category]": "[1]"},
                display="[id]",
            )
            return str(rows[0]["id"]) if rows else "2"

        home: str = self._cached("home", load)
        return home

    def structural_categories(self) -> frozenset[str]:
        """Root and Home: the tree's frame, not categories a merchant made."""
        return frozenset({"1", self.home_category()})

    # -- places and money ---------------------------------------------------
    def countries(self) -> dict[str, str]:
        """Country id -> ISO 3166-1 alpha-2."""

        def load() -> dict[str, str]:
            rows = self._ws.all("countries", None)
            return {str(r["id"]): field(r, "iso_code").upper() for r in rows}

        found: dict[str, str] = self._cached("countries", load)
        return found

    def country_id(self, iso: str | None) -> str | None:
        if not iso:
            return None
        for country_id, code in self.countries().items():
            if code == iso.upper():
                return country_id
        return None

    def states(self) -> dict[str, tuple[str, str]]:
        """State id -> (country id, state ISO code)."""

        def load() -> dict[str, tuple[str, str]]:
            rows = self._ws.all("states", None)
            return {str(r["id"]): (field(r, "id_country"), field(r, "iso_code")) for r in rows}

        found: dict[str, tuple[str, str]] = self._cached("states", load)
        return found

    def state_id(self, country_id: str, region: str | None) -> str | None:
        if not region:
            return None
        for state_id, (country, code) in self.states().items():
            if country == country_id and code.casefold() == region.strip().casefold():
                return state_id
        return None

    def currencies(self) -> dict[str, str]:
        """Currency id -> ISO 4217."""

        def load() -> dict[str, str]:
            rows = self._ws.all("currencies", None)
            return {str(r["id"]): field(r, "iso_code").upper() for r in rows}

        found: dict[str, str] = self._cached("currencies", load)
        return found

    # -- orders --------------------------------------------------------------
    def order_states(self) -> dict[str, str]:
        """Order state id -> its name in the cart's language."""

        def load() -> dict[str, str]:
            rows = self._ws.all("order_states", None)
            return {str(r["id"]): text(r, "name", self.language) for r in rows}

        found: dict[str, str] = self._cached("order_states", load)
        return found

    def logable_states(self) -> frozenset[str]:
        """The order states PrestaShop counts as sold (``logable``): reaching one
        from an error or a cancellation takes stock."""

        def load() -> frozenset[str]:
            rows = self._ws.all("order_states", None, display="[id,logable]")
            return frozenset(str(r["id"]) for r in rows if field(r, "logable", "0") == "1")

        found: frozenset[str] = self._cached("logable_states", load)
        return found

    def active_countries(self) -> frozenset[str]:
        """Ids of the countries the shop delivers to (an order elsewhere is refused)."""

        def load() -> frozenset[str]:
            rows = self._ws.all("countries", {"filter[active]": "[1]"}, display="[id]")
            return frozenset(str(r["id"]) for r in rows)

        found: frozenset[str] = self._cached("active_countries", load)
        return found

    def active_carriers(self) -> list[tuple[str, str]]:
        """(id, name) of the carriers a new cart may use, lowest id first."""

        def load() -> list[tuple[str, str]]:
            rows = self._ws.all(
                "carriers", {"filter[deleted]": "[0]", "filter[active]": "[1]"}, display="[id,name]"
            )
            return sorted(((str(r["id"]), field(r, "name")) for r in rows), key=lambda c: int(c[0]))

        found: list[tuple[str, str]] = self._cached("active_carriers", load)
        return found

    def carriers(self) -> dict[str, str]:
        """Carrier id -> name (deleted carriers too: old orders point to them)."""

        def load() -> dict[str, str]:
            rows = self._ws.all("carriers", None)
            return {str(r["id"]): field(r, "name") for r in rows}

        found: dict[str, str] = self._cached("carriers", load)
        return found

    # -- customers ------------------------------------------------------------
    def groups(self) -> dict[str, str]:
        """Customer group id -> name."""

        def load() -> dict[str, str]:
            rows = self._ws.all("groups", None)
            return {str(r["id"]): text(r, "name", self.language) for r in rows}

        found: dict[str, str] = self._cached("groups", load)
        return found

    def group_id(self, name: str | None) -> str | None:
        if not name:
            return None
        for group_id, group in self.groups().items():
            if group.casefold() == name.strip().casefold():
                return group_id
        return None

    # -- catalogue ---------------------------------------------------------
    def tags(self) -> dict[str, str]:
        """Tag id -> name."""

        def load() -> dict[str, str]:
            rows = self._ws.all("tags", None)
            return {str(r["id"]): field(r, "name") for r in rows}

        found: dict[str, str] = self._cached("tags", load)
        return found

    def tag_id(self, name: str) -> str:
        """The id of tag ``name`` in the cart's language, created when missing."""
        with self._lock:
            for tag_id, tag in self.tags().items():
                if tag.casefold() == name.casefold():
                    return tag_id
            created = self._ws.create(
                "tags", "tag", {"id_lang": self.language, "name": name}, self.languages()
            )
            tag_id = str(created["id"])
            self.tags()[tag_id] = name
            return tag_id

    def options(self) -> dict[str, str]:
        """Product option (attribute group) id -> name."""

        def load() -> dict[str, str]:
            rows = self._ws.all("product_options", None)
            return {str(r["id"]): text(r, "name", self.language) for r in rows}

        found: dict[str, str] = self._cached("options", load)
        return found

    def option_values(self) -> dict[str, tuple[str, str]]:
        """Option value id -> (option id, value name)."""

        def load() -> dict[str, tuple[str, str]]:
            rows = self._ws.all("product_option_values", None)
            return {
                str(r["id"]): (field(r, "id_attribute_group"), text(r, "name", self.language))
                for r in rows
            }

        found: dict[str, tuple[str, str]] = self._cached("option_values", load)
        return found

    def option_value_id(self, option: str, value: str) -> str:
        """The id of ``option: value``, creating the option and/or value when missing.

        Matched by name, case-insensitively, so "Size: M" reuses the shop's own
        Size/M instead of adding a second one.
        """
        with self._lock:
            option_id = next(
                (i for i, n in self.options().items() if n.casefold() == option.casefold()), None
            )
            if option_id is None:
                created = self._ws.create(
                    "product_options",
                    "product_option",
                    {
                        "is_color_group": 0,
                        "group_type": "select",
                        "name": Lang(option),
                        "public_name": Lang(option),
                    },
                    self.languages(),
                )
                option_id = str(created["id"])
                self.options()[option_id] = option
            for value_id, (group, name) in self.option_values().items():
                if group == option_id and name.casefold() == value.casefold():
                    return value_id
            created = self._ws.create(
                "product_option_values",
                "product_option_value",
                {"id_attribute_group": option_id, "name": Lang(value)},
                self.languages(),
            )
            value_id = str(created["id"])
            self.option_values()[value_id] = (option_id, value)
            return value_id
