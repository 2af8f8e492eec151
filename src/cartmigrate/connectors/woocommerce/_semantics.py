"""What a WooCommerce product is beyond name, price and stock, both ways.

Grouped products (``grouped_products``: ids of other products), external
ones (``external_url``, ``button_text``), virtual and downloadable ones
(``downloads``: name and file URL; a variation may have its own),
dimensions (in the store's unit, a
setting: ``woocommerce_dimension_unit``), weights (likewise, in
``woocommerce_weight_unit``) and variations that take any value
of an attribute. Observed on WooCommerce 7.9: a variation that takes any
value of an attribute does not list it at all (neither on create nor on
read), a download sent without a name is named after its file, and an
empty dimension is ``""``.
"""

from __future__ import annotations

import decimal
import threading
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

from ..._exceptions import AuthenticationError, ConfigurationError
from ...models import Dimensions, LengthUnit, Product, ProductType, Variant, WeightUnit

__all__ = [
    "StoreUnit",
    "any_options",
    "dimensions_from_wc",
    "dimensions_to_wc",
    "download_name",
    "has_dimensions",
    "dimension_unit",
    "has_weight",
    "needs_unit",
    "needs_weight_unit",
    "weight_text",
    "weight_unit",
    "option_attributes",
    "product_semantics",
    "semantics_to_wc",
    "unknown_open_options",
    "unmodelled_type",
    "variant_semantics",
    "variant_semantics_to_wc",
]

_KINDS = {kind.value: kind for kind in ProductType}
_EDGES = ("length", "width", "height")


def _fixed(value: decimal.Decimal | None) -> str:
    """Fixed-point text: WooCommerce reads ``"1E+1"`` as 1."""
    if value is None:
        return ""
    text = format(value, "f")
    return "0" if text in ("-0", "") else text


def dimensions_from_wc(data: Mapping[str, Any], unit: LengthUnit | None) -> dict[str, Any] | None:
    """``dimensions`` in the store's ``unit``, for the model to convert (a bad
    number is refused naming ``dimensions.length``); None when all are empty."""
    raw = data.get("dimensions")
    if not isinstance(raw, Mapping):
        return None
    values = {edge: raw.get(edge) for edge in _EDGES}
    if all(v in (None, "") for v in values.values()):
        return None
    return {**values, "unit": unit or LengthUnit.CM}


def weight_text(entity: Product | Variant, unit: WeightUnit | None) -> str:
    """The weight in the store's ``unit`` (None: sent as it is, no unit known)."""
    return _fixed(entity.weight if unit is None else entity.weight_in(unit))


def _weight_unit(data: Mapping[str, Any], unit: WeightUnit | None) -> WeightUnit | None:
    """The unit of a read weight: the store's, said only where there is a weight."""
    return unit if data.get("weight") not in (None, "") else None


def dimensions_to_wc(dimensions: Dimensions | None, unit: LengthUnit | None) -> dict[str, str]:
    """The three edges in the store's ``unit`` ("" clears one)."""
    if dimensions is None:
        return dict.fromkeys(_EDGES, "")
    converted = dimensions.in_unit(unit or LengthUnit.CM)
    return {edge: _fixed(getattr(converted, edge)) for edge in _EDGES}


def download_name(url: str) -> str:
    """The name WooCommerce gives a download sent without one: its file's name."""
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path.rsplit("/", 1)[-1]) or url


def _downloads(data: Mapping[str, Any], base_url: str) -> list[dict[str, Any]]:
    """For the model to convert (a bad URL is refused naming ``downloads[0].url``)."""
    found: list[dict[str, Any]] = []
    for item in data.get("downloads") or ():
        if not isinstance(item, Mapping) or not item.get("file"):
            continue
        # A file kept on the store itself may be given as a path: made absolute,
        # it stays reachable from another store.
        url = urllib.parse.urljoin(base_url.rstrip("/") + "/", str(item["file"]))
        found.append({"url": url, "name": item.get("name") or None})
    return found


def unmodelled_type(data: Mapping[str, Any]) -> str | None:
    """A product type only a plugin knows (``subscription``, ``bundle``,
    ``variable-subscription``), which is read as a simple product: the price,
    stock and texts WooCommerce lists for it, without what the type adds."""
    kind = data.get("type")
    return None if kind in (None, "") or str(kind) in _KINDS else str(kind)


def product_semantics(
    data: Mapping[str, Any],
    *,
    unit: LengthUnit | None,
    base_url: str = "",
    weight_unit: WeightUnit | None = None,
) -> dict[str, Any]:
    """Product keyword arguments for what ``data`` (a read product) is."""
    kind = _KINDS.get(str(data.get("type")), ProductType.SIMPLE)
    values: dict[str, Any] = {
        "product_type": kind,
        "weight_unit": _weight_unit(data, weight_unit),
        "virtual": data.get("virtual") is True,
        "downloadable": data.get("downloadable") is True,
        "downloads": _downloads(data, base_url),
        "dimensions": dimensions_from_wc(data, unit),
    }
    if kind is ProductType.GROUPED:
        values["grouped_product_ids"] = [str(i) for i in data.get("grouped_products") or ()]
    if kind is ProductType.EXTERNAL:
        values["external_url"] = data.get("external_url") or None
        values["button_text"] = data.get("button_text") or None
    return values


def any_options(variation: Mapping[str, Any], parent: Mapping[str, Any]) -> list[str]:
    """The parent's variation attributes this variation leaves open ("any Size").

    WooCommerce does not list them on the variation; an older store (or a
    hand-made payload) may list them with an empty option.
    """
    fixed = {
        str(a.get("name"))
        for a in variation.get("attributes") or ()
        if isinstance(a, Mapping) and a.get("option")
    }
    names = [
        str(a.get("name"))
        for a in parent.get("attributes") or ()
        if isinstance(a, Mapping) and a.get("variation") and a.get("name")
    ]
    if not names:  # the parent unknown: only what the variation says itself
        names = [
            str(a.get("name"))
            for a in variation.get("attributes") or ()
            if isinstance(a, Mapping) and a.get("name") and not a.get("option")
        ]
    return [name for name in names if name not in fixed]


def semantics_to_wc(product: Product, unit: LengthUnit | None) -> dict[str, Any]:
    """The create payload's part for what the product is."""
    kind = ProductType(product.product_type)
    body: dict[str, Any] = {
        "type": kind.value,
        "virtual": product.virtual,
        "downloadable": product.downloadable,
    }
    if kind is ProductType.GROUPED:
        body["grouped_products"] = [int(i) for i in product.grouped_product_ids if i.isdigit()]
    if kind is ProductType.EXTERNAL:
        body["external_url"] = product.external_url or ""
        body["button_text"] = product.button_text or ""
    body.update(_downloads_to_wc(product))
    if product.dimensions is not None:
        body["dimensions"] = dimensions_to_wc(product.dimensions, unit)
    return body


def option_attributes(product: Product) -> list[dict[str, Any]]:
    """The parent's variation attributes: every value a variant fixes, and for
    an attribute some variant leaves open, the source's values for it."""
    names: dict[str, list[str]] = {}
    for variant in product.variants:
        for name, value in variant.options.items():
            values = names.setdefault(name, [])
            if value not in values:
                values.append(value)
        for name in variant.any_options:
            names.setdefault(name, [])
    known = {
        str(a.get("name")): [str(o) for o in a.get("options") or () if o]
        for a in product.extra.get("attributes") or ()
        if isinstance(a, Mapping) and a.get("name")
    }
    for name, values in names.items():
        values.extend(v for v in known.get(name, ()) if v not in values)
    return [
        {"name": name, "position": position, "visible": True, "variation": True, "options": values}
        for position, (name, values) in enumerate(names.items())
        if values  # an attribute without values is stored as [""]: left out
    ]


def unknown_open_options(product: Product) -> list[str]:
    """Attributes a variant leaves open that ``option_attributes`` has no values for."""
    known = {str(a["name"]) for a in option_attributes(product)}
    names = dict.fromkeys(n for v in product.variants for n in v.any_options)
    return [n for n in names if n not in known]


def variant_semantics(
    data: Mapping[str, Any],
    parent: Mapping[str, Any],
    unit: LengthUnit | None,
    base_url: str = "",
    weight_unit: WeightUnit | None = None,
) -> dict[str, Any]:
    """A variation's own files: WooCommerce 7.9 does not fill them in from its product."""
    return {
        "weight": data.get("weight"),
        "weight_unit": _weight_unit(data, weight_unit),
        "dimensions": dimensions_from_wc(data, unit),
        "any_options": any_options(data, parent),
        "virtual": data.get("virtual") is True,
        "downloadable": data.get("downloadable") is True,
        "downloads": _downloads(data, base_url),
    }


def _downloads_to_wc(entity: Product | Variant) -> dict[str, Any]:
    """``downloads`` (each named, as the store would name it) and a WooCommerce
    source's own download limits, carried in ``extra``."""
    if not entity.downloads:
        return {}
    body: dict[str, Any] = {
        "downloads": [
            {"name": d.name or download_name(d.url), "file": d.url} for d in entity.downloads
        ]
    }
    for key in ("download_limit", "download_expiry"):
        value = entity.extra.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            body[key] = value
    return body


def variant_semantics_to_wc(
    variant: Variant, unit: LengthUnit | None, weight_unit: WeightUnit | None = None
) -> dict[str, Any]:
    """The variation payload's weight, dimensions and files (in the store's units)."""
    body: dict[str, Any] = {
        "weight": weight_text(variant, weight_unit),
        "virtual": variant.virtual,
        "downloadable": variant.downloadable,
        **_downloads_to_wc(variant),
    }
    if variant.dimensions is not None:
        body["dimensions"] = dimensions_to_wc(variant.dimensions, unit)
    return body


def needs_unit(products: Sequence[Product]) -> bool:
    """Whether writing ``products`` needs the store's unit."""
    return any(
        p.dimensions is not None or any(v.dimensions is not None for v in p.variants)
        for p in products
    )


U = TypeVar("U", LengthUnit, WeightUnit)


class StoreUnit(Generic[U]):
    """A unit the store is set up in (Settings → Products), asked once.

    Dimensions and weights are stored as bare numbers in the store's units
    (``woocommerce_dimension_unit``, ``woocommerce_weight_unit``), so a
    product read from an inch or pound store into a centimetre or kilogram
    one must be converted. Only asked when a product needs it; ``given``
    (the cart's ``dimension_unit=`` / ``weight_unit=``) spares the request,
    and is the way out for a key that may not read settings.
    """

    def __init__(
        self,
        get: Callable[[str], Any],
        given: U | str | None,
        kind: type[U],
        *,
        setting: str,
        option: str,
    ) -> None:
        self._get = get
        self._kind: type[U] = kind
        self._setting = setting
        self._option = option
        self._unit: U | None = None if given is None else kind(given)
        self._lock = threading.Lock()

    def __call__(self) -> U:
        with self._lock:
            if self._unit is None:
                what = self._option.replace("_", " ")
                choices = ", ".join(member.value for member in self._kind)
                try:
                    value = self._get(f"settings/products/{self._setting}")
                except AuthenticationError as error:
                    first = "cm" if self._kind is LengthUnit else "kg"
                    raise ConfigurationError(
                        f"cannot read the store's {what} ({error}); give the key"
                        f" Read/Write permission or pass {self._option}='{first}'"
                        f" (or one of {choices})"
                    ) from error
                raw = value.get("value") if isinstance(value, Mapping) else None
                try:
                    self._unit = self._kind(str(raw))
                except ValueError:
                    raise ConfigurationError(
                        f"the store's {what} {raw!r} is none of {choices}; pass {self._option}="
                    ) from None
            return self._unit


def dimension_unit(
    get: Callable[[str], Any], given: LengthUnit | str | None
) -> StoreUnit[LengthUnit]:
    return StoreUnit(
        get, given, LengthUnit, setting="woocommerce_dimension_unit", option="dimension_unit"
    )


def weight_unit(get: Callable[[str], Any], given: WeightUnit | str | None) -> StoreUnit[WeightUnit]:
    return StoreUnit(
        get, given, WeightUnit, setting="woocommerce_weight_unit", option="weight_unit"
    )


def has_dimensions(*raws: Mapping[str, Any]) -> bool:
    """Whether any of these read products or variations has a dimension."""
    for raw in raws:
        found = raw.get("dimensions")
        if isinstance(found, Mapping) and any(found.get(edge) for edge in _EDGES):
            return True
    return False


def has_weight(*raws: Mapping[str, Any]) -> bool:
    """Whether any of these read products or variations has a weight."""
    return any(raw.get("weight") not in (None, "") for raw in raws)


def needs_weight_unit(entities: Sequence[Product | Variant], *, stored: bool = False) -> bool:
    """Whether writing ``entities`` needs the store's weight unit: a weight in a
    unit (one without is sent as it is). For ``as_stored``, any weight (it
    reads back in the store's unit)."""
    found: list[Product | Variant] = []
    for entity in entities:
        found.append(entity)
        if isinstance(entity, Product):
            found.extend(entity.variants)
    return any(e.weight is not None and (stored or e.weight_unit is not None) for e in found)
