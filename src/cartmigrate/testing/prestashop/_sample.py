"""A small demo shop for the simulator, shaped like PrestaShop's fashion demo.

Root and Home, a few categories, products with and without combinations
(whose references repeat the product's, as the demo's do), stock rows that
sum up, two customers (one the anonymised GDPR customer), orders with a
status history and a tracking number; and the reference tables a shop
always has (one language, countries, states, a currency, groups, carriers,
the 13 order states). Written for the simulator, not taken from PrestaShop.
"""

from __future__ import annotations

from typing import Any

from ._shop import Shop

__all__ = ["load_sample"]

_STAMP = "2026-11-30 10:00:00"

#: id, name, logable, paid, shipped, send_email, template
_STATES = (
    (1, "Awaiting check payment", 0, 0, 0, 1, "cheque"),
    (2, "Payment accepted", 1, 1, 0, 1, "payment"),
    (3, "Processing in progress", 1, 1, 0, 1, "preparation"),
    (4, "Shipped", 1, 1, 1, 1, "shipped"),
    (5, "Delivered", 1, 1, 1, 0, ""),
    (6, "Canceled", 0, 0, 0, 1, "order_canceled"),
    (7, "Refunded", 0, 0, 0, 1, "refund"),
    (8, "Payment error", 0, 0, 0, 1, "payment_error"),
    (9, "On backorder (paid)", 0, 1, 0, 1, "outofstock"),
    (10, "Awaiting bank wire payment", 0, 0, 0, 1, "bankwire"),
    (11, "Remote payment accepted", 1, 1, 0, 1, "payment"),
    (12, "On backorder (not paid)", 0, 0, 0, 1, "outofstock"),
    (13, "Awaiting Cash On Delivery validation", 0, 0, 0, 0, "cashondelivery"),
)
#: States that make the invoice (as the real store's table has them).
_INVOICE = frozenset({2, 3, 4, 5, 7, 9, 11})
_COUNTRIES = [
    "DE",
    "AT",
    "BE",
    "CA",
    "CN",
    "ES",
    "FI",
    "FR",
    "GR",
    "IT",
    "JP",
    "LU",
    "NL",
    "PL",
    "PT",
    "CZ",
    "GB",
    "SE",
    "CH",
    "DK",
    "US",
]


def _ids(*values: int) -> list[dict[str, str]]:
    return [{"id": str(v)} for v in values]


def _reference_tables(shop: Shop) -> None:
    shop.put(
        "languages",
        {
            "id": 1,
            "name": "English (English)",
            "iso_code": "en",
            "locale": "en-US",
            "language_code": "en-us",
            "active": "1",
        },
    )
    for i, (name, value) in enumerate(
        (
            ("PS_LANG_DEFAULT", "1"),
            ("PS_TIMEZONE", "UTC"),
            ("PS_COUNTRY_DEFAULT", "21"),
            ("PS_CUSTOMER_GROUP", "3"),
            ("PS_GUEST_GROUP", "2"),
            ("PS_WEIGHT_UNIT", "kg"),
            ("PS_DIMENSION_UNIT", "cm"),
        ),
        start=1,
    ):
        shop.put("configurations", {"id": i, "name": name, "value": value})
    for i, iso in enumerate(_COUNTRIES, start=1):
        shop.put("countries", {"id": i, "iso_code": iso, "name": iso, "active": "1"})
    for i, (iso, name) in enumerate(
        (("CA", "California"), ("FL", "Florida"), ("NY", "New York")), start=1
    ):
        shop.put(
            "states", {"id": i, "id_country": "21", "iso_code": iso, "name": name, "active": "1"}
        )
    shop.put(
        "currencies",
        {
            "id": 1,
            "name": "US Dollar",
            "names": "US Dollar",
            "symbol": "$",
            "iso_code": "USD",
            "precision": "2",
            "conversion_rate": "1.000000",
            "active": "1",
        },
    )
    for i, name in enumerate(("Visitor", "Guest", "Customer"), start=1):
        shop.put(
            "groups",
            {
                "id": i,
                "name": name,
                "reduction": "0.00",
                "show_prices": "1",
                "date_add": _STAMP,
                "date_upd": _STAMP,
            },
        )
    shop.put(
        "carriers",
        {
            "id": 1,
            "name": "Click and collect",
            "active": "1",
            "is_free": "1",
            "delay": "Pick up in-store",
        },
    )
    shop.put(
        "carriers", {"id": 2, "name": "My carrier", "active": "1", "delay": "Delivery next day!"}
    )
    for state_id, name, logable, paid, shipped, send, template in _STATES:
        shop.put(
            "order_states",
            {
                "id": state_id,
                "name": name,
                "logable": str(logable),
                "paid": str(paid),
                "shipped": str(shipped),
                "send_email": str(send),
                "template": template,
                "invoice": "1" if state_id in _INVOICE else "0",
                "delivery": "1" if state_id in (3, 4, 5) else "0",
            },
        )


def _catalogue(shop: Shop) -> None:
    for category_id, parent, name, depth in (
        (1, 0, "Root", 0),
        (2, 1, "Home", 1),
        (3, 2, "Clothes", 2),
        (4, 3, "Men", 3),
        (5, 3, "Women", 3),
        (6, 2, "Accessories", 2),
    ):
        shop.put(
            "categories",
            {
                "id": category_id,
                "id_parent": str(parent),
                "level_depth": str(depth),
                "active": "1",
                "is_root_category": "1" if category_id == 2 else "0",
                "name": name,
                "link_rewrite": name.lower(),
                "description": f"<p>{name}.</p>" if category_id > 2 else "",
                "date_add": _STAMP,
                "date_upd": _STAMP,
            },
        )
    shop.put(
        "manufacturers",
        {
            "id": 1,
            "active": "1",
            "name": "Atelier North",
            "link_rewrite": "atelier-north",
            "date_add": _STAMP,
            "date_upd": _STAMP,
        },
    )
    shop.put(
        "manufacturers",
        {
            "id": 2,
            "active": "1",
            "name": "Paper & Co",
            "link_rewrite": "paper-co",
            "date_add": _STAMP,
            "date_upd": _STAMP,
        },
    )
    shop.put(
        "product_options",
        {
            "id": 1,
            "name": "Size",
            "public_name": "Size",
            "group_type": "select",
            "associations": {"product_option_values": _ids(1, 2, 3, 4)},
        },
    )
    shop.put(
        "product_options",
        {
            "id": 2,
            "name": "Color",
            "public_name": "Color",
            "group_type": "color",
            "is_color_group": "1",
            "associations": {"product_option_values": _ids(5, 6)},
        },
    )
    for value_id, group, name in (
        (1, 1, "S"),
        (2, 1, "M"),
        (3, 1, "L"),
        (4, 1, "XL"),
        (5, 2, "White"),
        (6, 2, "Black"),
    ):
        shop.put(
            "product_option_values",
            {
                "id": value_id,
                "id_attribute_group": str(group),
                "name": name,
                "position": str(value_id - 1),
            },
        )
    products: tuple[tuple[int, str, str, str, str, str, list[tuple[int, list[int]]]], ...] = (
        (
            1,
            "Linen shirt",
            "demo_1",
            "23.900000",
            "4",
            "1",
            [(1, [1, 5]), (2, [1, 6]), (3, [2, 5]), (4, [2, 6])],
        ),
        (2, "Wool sweater", "demo_2", "35.900000", "5", "1", [(5, [1]), (6, [2])]),
        (3, "Mountain poster", "demo_3", "29.000000", "6", "2", []),
        (4, "Dotted notebook", "demo_4", "12.900000", "6", "2", []),
    )
    stock_id = 1
    for product_id, name, reference, price, category, brand, combinations in products:
        stock_rows: list[dict[str, str]] = []
        own_stock = stock_id
        stock_id += 1
        quantities: list[int] = []
        for combination_id, values in combinations:
            shop.put(
                "combinations",
                {
                    "id": combination_id,
                    "id_product": str(product_id),
                    "reference": reference,
                    "price": "0.000000",
                    "minimal_quantity": "1",
                    "default_on": "1" if combination_id == combinations[0][0] else "",
                    "associations": {"product_option_values": _ids(*values)},
                },
            )
            shop.put(
                "stock_availables",
                {
                    "id": stock_id,
                    "id_product": str(product_id),
                    "id_product_attribute": str(combination_id),
                    "id_shop": "1",
                    "quantity": "300",
                    "out_of_stock": "2",
                },
            )
            stock_rows.append({"id": str(stock_id), "id_product_attribute": str(combination_id)})
            quantities.append(300)
            stock_id += 1
        total = sum(quantities) if combinations else (120 if product_id == 4 else 300)
        shop.put(
            "stock_availables",
            {
                "id": own_stock,
                "id_product": str(product_id),
                "id_product_attribute": "0",
                "id_shop": "1",
                "quantity": str(total),
                "out_of_stock": "2",
            },
        )
        associations: dict[str, Any] = {
            "categories": _ids(2, int(category)),
            "stock_availables": [{"id": str(own_stock), "id_product_attribute": "0"}, *stock_rows],
        }
        if combinations:
            associations["combinations"] = _ids(*(c for c, _ in combinations))
            associations["product_option_values"] = _ids(
                *sorted({v for _, values in combinations for v in values})
            )
        shop.put(
            "products",
            {
                "id": product_id,
                "name": name,
                "reference": reference,
                "price": price,
                "id_category_default": category,
                "id_manufacturer": brand,
                "active": "1",
                "state": "1",
                "available_for_order": "1",
                "show_price": "1",
                "minimal_quantity": "1",
                "type": "simple",
                "visibility": "both",
                "product_type": "combinations" if combinations else "standard",
                "link_rewrite": name.lower().replace(" ", "-"),
                "weight": "0.300000",
                "description": f"<p>The {name.lower()}.</p>",
                "quantity": "0",
                "manufacturer_name": "Atelier North" if brand == "1" else "Paper & Co",
                "date_add": _STAMP,
                "date_upd": _STAMP,
                "associations": associations,
            },
        )


def _sales(shop: Shop) -> None:
    """The sweater is 20 % off for everyone; the notebook costs less for wholesale (group 3)."""
    common = {
        "id_shop": "0",
        "id_cart": "0",
        "id_currency": "0",
        "id_country": "0",
        "id_customer": "0",
        "price": "-1.000000",
        "from_quantity": "1",
        "reduction_tax": "1",
        "from": "0000-00-00 00:00:00",
        "to": "0000-00-00 00:00:00",
    }
    shop.put(
        "specific_prices",
        {
            **common,
            "id": 1,
            "id_product": "2",
            "id_product_attribute": "0",
            "id_group": "0",
            "reduction": "0.200000",
            "reduction_type": "percentage",
        },
    )
    shop.put(
        "specific_prices",
        {
            **common,
            "id": 2,
            "id_product": "4",
            "id_product_attribute": "0",
            "id_group": "3",
            "reduction": "1.000000",
            "reduction_type": "amount",
        },
    )


def _people_and_orders(shop: Shop) -> None:
    shop.put(
        "customers",
        {
            "id": 1,
            "email": "anonymous@psgdpr.com",
            "firstname": "Anonymous",
            "lastname": "Anonymous",
            "id_default_group": "3",
            "active": "0",
            "passwd": "$2y$10$simulatedhashsimulatedhashsimulatedhash",
            "date_add": _STAMP,
            "date_upd": _STAMP,
            "associations": {"groups": _ids(3)},
        },
    )
    shop.put(
        "customers",
        {
            "id": 2,
            "email": "pub@prestashop.com",
            "firstname": "John",
            "lastname": "DOE",
            "id_default_group": "3",
            "active": "1",
            "passwd": "$2y$10$simulatedhashsimulatedhashsimulatedhash",
            "newsletter": "1",
            "date_add": _STAMP,
            "date_upd": _STAMP,
            "associations": {"groups": _ids(3)},
        },
    )
    for address_id, customer, country, state, city, line in (
        (1, 1, 21, 0, "Anonymous", "Anonymous"),
        (2, 2, 8, 0, "Paris", "16, Main street"),
        (3, 2, 21, 2, "Miami", "16, Main street"),
    ):
        names = ("Anonymous", "Anonymous") if customer == 1 else ("John", "DOE")
        shop.put(
            "addresses",
            {
                "id": address_id,
                "id_customer": str(customer),
                "id_country": str(country),
                "id_state": str(state),
                "alias": "My address",
                "firstname": names[0],
                "lastname": names[1],
                "address1": line,
                "city": city,
                "postcode": "33133" if country == 21 else "75002",
                "phone": "0000000000" if customer == 1 else "0102030405",
                "date_add": _STAMP,
                "date_upd": _STAMP,
            },
        )
    for cart_id in (1, 2):
        shop.put(
            "carts",
            {
                "id": cart_id,
                "id_customer": "2",
                "id_address_delivery": "3",
                "id_address_invoice": "3",
                "id_currency": "1",
                "id_lang": "1",
                "id_carrier": "2",
                "date_add": _STAMP,
                "date_upd": _STAMP,
            },
        )
    orders: tuple[tuple[int, int, str, str, list[tuple[int, int, int, str]], str], ...] = (
        (1, 1, "6", "XKBKNABJK", [(1, 1, 1, "23.900000"), (2, 5, 1, "35.900000")], "66.800000"),
        (2, 2, "4", "OHSATSERP", [(3, 0, 2, "29.000000")], "65.000000"),
    )
    first_line = 1  # order_details ids run across orders
    for order_id, cart, order_state, reference, lines, total in orders:
        products = sum(int(q) * float(p) for _, _, q, p in lines)
        shop.put(
            "orders",
            {
                "id": order_id,
                "id_cart": str(cart),
                "id_customer": "2",
                "id_address_delivery": "3",
                "id_address_invoice": "3",
                "id_currency": "1",
                "id_lang": "1",
                "id_carrier": "2",
                "current_state": order_state,
                "valid": "1" if order_state == "4" else "0",
                "module": "ps_checkpayment",
                "payment": "Payment by check",
                "reference": reference,
                "total_paid": total,
                "total_paid_tax_incl": total,
                "total_paid_tax_excl": total,
                "total_products": f"{products:.6f}",
                "total_products_wt": f"{products:.6f}",
                "total_shipping": "7.000000",
                "total_shipping_tax_incl": "7.000000",
                "total_shipping_tax_excl": "7.000000",
                "total_discounts": "0.000000",
                "total_discounts_tax_excl": "0.000000",
                "total_paid_real": "0.000000",
                "conversion_rate": "1.000000",
                "date_add": _STAMP,
                "date_upd": _STAMP,
                "associations": {
                    "order_rows": [
                        {
                            "id": str(first_line + i),
                            "product_id": str(p),
                            "product_attribute_id": str(a),
                            "product_quantity": str(q),
                            "product_name": f"Product {p}",
                            "product_reference": f"demo_{p}",
                            "product_price": price,
                            "unit_price_tax_incl": price,
                            "unit_price_tax_excl": price,
                        }
                        for i, (p, a, q, price) in enumerate(lines)
                    ]
                },
            },
        )
        first_line += len(lines)
        shop.put(
            "order_carriers",
            {
                "id": order_id,
                "id_order": str(order_id),
                "id_carrier": "2",
                "tracking_number": "1Z999AA10123456784" if order_state == "4" else "",
                "date_add": _STAMP,
            },
        )
    history = ((1, 1, "1"), (2, 1, "6"), (3, 2, "1"), (4, 2, "2"), (5, 2, "4"))
    for history_id, order_id, history_state in history:
        shop.put(
            "order_histories",
            {
                "id": history_id,
                "id_order": str(order_id),
                "id_order_state": history_state,
                "id_employee": "0",
                "date_add": _STAMP,
            },
        )


def load_sample(shop: Shop) -> None:
    """Fill ``shop`` with the demo."""
    _reference_tables(shop)
    _catalogue(shop)
    _sales(shop)
    _people_and_orders(shop)
