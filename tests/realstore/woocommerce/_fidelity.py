"""One request set, sent to the real store and to the simulator, answered alike?

Each step is a request the connector sends (or a variant of one that probes a
rule the connector relies on). Ids differ between the two stores, so a step
may name the id it creates (``keep``) and later steps refer to it as
``{name}``; answers are compared through ``view``: the status code, the error
code, and the fields the connector reads.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx

Body = Any
View = Callable[[Any], Any]


def _error(body: Any) -> Any:
    return body.get("code") if isinstance(body, Mapping) and "code" in body else None


def _items(action: str, view: View) -> View:
    """A batch answer: per item its error code, or ``view`` of it."""

    def project(body: Any) -> Any:
        out = []
        for item in body.get(action) or ():
            error = item.get("error") if isinstance(item, Mapping) else None
            out.append(("error", error.get("code")) if error else ("ok", view(item)))
        return out

    return project


def _product(raw: Any) -> Any:
    return (
        raw.get("type"),
        raw.get("sku"),
        raw.get("status"),
        raw.get("regular_price"),
        raw.get("sale_price"),
        raw.get("manage_stock"),
        raw.get("stock_quantity"),
        raw.get("stock_status"),
        len(raw.get("images") or ()),
        all("/wp-content/uploads/" in i.get("src", "") for i in raw.get("images") or ()),
    )


def _semantic(raw: Any) -> Any:
    """What a product is beyond price and stock (issue #8 item 9)."""
    return (
        raw.get("type"),
        raw.get("external_url"),
        raw.get("button_text"),
        len(raw.get("grouped_products") or ()),
        raw.get("virtual"),
        raw.get("downloadable"),
        [(d.get("name"), d.get("file")) for d in raw.get("downloads") or ()],
        raw.get("dimensions"),
        raw.get("weight"),
    )


def _shape(body: Any) -> Any:
    """Per variation: SKU, the attributes it fixes, its weight and dimensions as read."""
    return sorted(
        (
            str(v.get("sku")),
            [(a.get("name"), a.get("option")) for a in v.get("attributes") or ()],
            v.get("weight"),
            v.get("dimensions"),
            _files(v),
        )
        for v in body
    )


def _files(raw: Any) -> Any:
    """A product's or variation's own files, as the connector reads them."""
    return (
        raw.get("virtual"),
        raw.get("downloadable"),
        [(d.get("name"), d.get("file"), bool(d.get("id"))) for d in raw.get("downloads") or ()],
        raw.get("download_limit"),
        raw.get("download_expiry"),
    )


def _skus(body: Any) -> Any:
    return sorted(str(p.get("sku")) for p in body)


def _count(body: Any) -> Any:
    return len(body)


def _order(raw: Any) -> Any:
    return (
        raw.get("status"),
        raw.get("currency"),
        raw.get("total"),
        [(bool(i.get("product_id")), i.get("quantity"), i.get("total")) for i in raw["line_items"]],
    )


def _nothing(body: Any) -> Any:
    return None


@attrs.define(frozen=True)
class Step:
    name: str
    method: str
    path: str
    params: Mapping[str, Any] = attrs.field(factory=dict)
    json: Body = None
    view: View = _nothing
    keep: str | None = None  # remember the answer's id (or first item's) under this name
    auth: bool = True


def steps() -> list[Step]:
    """The request set (about 70 requests): reads, creates, batches, errors, edges."""
    tee = {
        "name": "Fidelity tee",
        "type": "simple",
        "sku": "FID-TEE",
        "regular_price": "12.50",
        "manage_stock": True,
        "stock_quantity": 4,
        "images": [{"src": "http://127.0.0.1:8089/placeholder-src/album-1.jpg"}],
    }
    order_line = {"product_id": "{tee}", "quantity": 1, "subtotal": "12.50", "total": "12.50"}
    return [
        Step("list products", "GET", "products", {"per_page": 100}, view=_skus),
        Step("list products page 2", "GET", "products", {"per_page": 100, "page": 2}, view=_count),
        Step("product by sku", "GET", "products", {"sku": "woo-beanie"}, view=_skus),
        Step("product by unknown sku", "GET", "products", {"sku": "nope"}, view=_count),
        Step("unknown product", "GET", "products/999999"),
        Step("categories", "GET", "products/categories", {"per_page": 100}, view=_count),
        Step("category by slug", "GET", "products/categories", {"slug": "hoodies"}, view=_count),
        Step("brands (not in 7.9)", "GET", "products/brands", {"per_page": 1}),
        Step(
            "order statuses",
            "GET",
            "reports/orders/totals",
            view=lambda b: sorted(s["slug"] for s in b),
        ),
        Step("create product", "POST", "products", json=tee, view=_product, keep="tee"),
        Step("read product edit", "GET", "products/{tee}", {"context": "edit"}, view=_product),
        Step("duplicate sku", "POST", "products", json={**tee, "name": "Again"}),
        Step(
            "unreachable image",
            "POST",
            "products",
            json={"name": "Img", "images": [{"src": "https://img.example.com/a.jpg"}]},
        ),
        Step("bogus type", "POST", "products", json={"name": "X", "type": "bogus"}),
        Step(
            "numeric string stock",
            "POST",
            "products",
            json={"name": "Num", "sku": "FID-NUM", "manage_stock": True, "stock_quantity": "7"},
            view=_product,
            keep="num",
        ),
        Step(
            "price rounding",
            "PUT",
            "products/{num}",
            json={"regular_price": "10.125"},
            view=_product,
        ),
        Step(
            "batch products",
            "POST",
            "products/batch",
            json={
                "create": [
                    {"name": "B1", "sku": "FID-B1", "regular_price": "5"},
                    {"name": "B2", "sku": "woo-beanie"},
                    {"name": "B3", "type": "bogus", "sku": "FID-B3"},
                ]
            },
            view=_items("create", _product),
            keep="b1",
        ),
        Step(
            "batch update unknown id",
            "POST",
            "products/batch",
            json={"update": [{"id": 999999, "name": "x"}]},
            view=_items("update", _product),
        ),
        Step(
            "batch over 100",
            "POST",
            "products/batch",
            json={"create": [{"name": f"P{i}"} for i in range(101)]},
        ),
        Step(
            "variable product",
            "POST",
            "products",
            json={
                "name": "Fid shirt",
                "type": "variable",
                "sku": "FID-SHIRT",
                "attributes": [{"name": "Size", "options": ["S", "M"], "variation": True}],
            },
            view=_product,
            keep="shirt",
        ),
        Step(
            "variations batch",
            "POST",
            "products/{shirt}/variations/batch",
            json={
                "create": [
                    {
                        "sku": "FID-SHIRT-S",
                        "regular_price": "9",
                        "attributes": [{"name": "Size", "option": "S"}],
                    },
                    {
                        "sku": "FID-SHIRT-M",
                        "regular_price": "9",
                        "attributes": [{"name": "Size", "option": "M"}],
                    },
                ]
            },
            view=_items("create", lambda v: (v.get("sku"), v.get("regular_price"))),
        ),
        Step("variations", "GET", "products/{shirt}/variations", view=_skus),
        Step(
            "dimension unit",
            "GET",
            "settings/products/woocommerce_dimension_unit",
            view=lambda s: s.get("value"),
        ),
        Step(
            "weight unit",
            "GET",
            "settings/products/woocommerce_weight_unit",
            view=lambda s: (s.get("value"), sorted(s.get("options") or ())),
        ),
        Step(
            "external product",
            "POST",
            "products",
            json={
                "name": "Fid pennant",
                "type": "external",
                "external_url": "https://shop.example/pennant",
                "button_text": "Buy there",
                "regular_price": "4",
            },
            view=_semantic,
        ),
        Step(
            "grouped product",
            "POST",
            "products",
            json={"name": "Fid group", "type": "grouped", "grouped_products": ["{tee}"]},
            view=_semantic,
            keep="group",
        ),
        Step(
            "grouped children updated",
            "PUT",
            "products/{group}",
            json={"grouped_products": ["{tee}", "{b1}"]},
            view=_semantic,
        ),
        Step(
            "downloadable product",
            "POST",
            "products",
            json={
                "name": "Fid album",
                "virtual": True,
                "downloadable": True,
                "downloads": [
                    {"name": "Album", "file": "https://demo.woothemes.com/f/album.jpg"},
                    {"file": "https://demo.woothemes.com/f/single.jpg"},
                ],
            },
            view=_semantic,
        ),
        Step(
            "dimensions",
            "POST",
            "products",
            json={
                "name": "Fid box",
                "weight": "1.25",
                "dimensions": {"length": "25.4", "width": "0.5", "height": ""},
            },
            view=_semantic,
        ),
        Step(
            "any-value variation",
            "POST",
            "products/{shirt}/variations",
            json={
                "sku": "FID-SHIRT-ANY",
                "regular_price": "9",
                "attributes": [{"name": "Size", "option": ""}],
            },
            view=lambda v: [(a.get("name"), a.get("option")) for a in v.get("attributes") or ()],
        ),
        Step(
            "downloadable variation",
            "POST",
            "products/{shirt}/variations",
            json={
                "sku": "FID-SHIRT-PDF",
                "regular_price": "3",
                "attributes": [{"name": "Size", "option": "S"}],
                "virtual": True,
                "downloadable": True,
                "downloads": [
                    {"name": "Pattern", "file": "https://demo.woothemes.com/f/album.jpg"},
                    {"file": "https://demo.woothemes.com/f/single.jpg"},
                ],
                "download_limit": 3,
            },
            view=_files,
        ),
        Step(
            "product dimensions",
            "PUT",
            "products/{shirt}",
            json={"weight": "0.4", "dimensions": {"length": "3", "width": "2", "height": "1"}},
            view=_semantic,
        ),
        Step(
            "variations inherit dimensions",
            "GET",
            "products/{shirt}/variations",
            {"context": "edit"},
            view=_shape,
        ),
        Step(
            "category taken slug",
            "POST",
            "products/categories",
            json={"name": "Hoodies again", "slug": "hoodies"},
            view=lambda b: b.get("slug") if isinstance(b, Mapping) else None,
        ),
        Step(
            "category",
            "POST",
            "products/categories",
            json={"name": "Fid cat", "description": "<p>Linen <strong>only</strong></p>"},
            view=lambda b: (b.get("slug"), b.get("description")),
            keep="cat",
        ),
        Step(
            "customers batch",
            "POST",
            "customers/batch",
            json={
                "create": [
                    {"email": "fid1@example.com", "first_name": "Fid"},
                    {"email": "fid1@example.com"},
                    {"email": "not-an-email"},
                ]
            },
            view=_items("create", lambda c: c.get("email")),
            keep="cust",
        ),
        Step("customer by email", "GET", "customers", {"email": "fid1@example.com"}, view=_count),
        Step(
            "customer shipping phone",
            "PUT",
            "customers/{cust}",
            json={"shipping": {"first_name": "F", "phone": "555"}},
            view=lambda c: c["shipping"].get("phone"),
        ),
        Step("delete unknown customer", "DELETE", "customers/999999", {"force": "true"}),
        Step("unknown customer", "GET", "customers/999999"),
        Step(
            "orders batch",
            "POST",
            "orders/batch",
            json={
                "create": [
                    {"status": "completed", "line_items": [order_line]},
                    {"status": "bogus", "line_items": [order_line]},
                    {"status": "pending", "line_items": [{"name": "no product", "quantity": 1}]},
                ]
            },
            view=_items("create", _order),
            keep="order",
        ),
        Step(
            "order single bogus status",
            "POST",
            "orders",
            json={"status": "bogus", "line_items": [order_line]},
        ),
        Step(
            "order invalid currency",
            "POST",
            "orders",
            json={"currency": "usd", "line_items": [order_line]},
        ),
        Step(
            "order invalid email",
            "POST",
            "orders",
            json={"billing": {"email": "nope"}, "line_items": [order_line]},
        ),
        Step(
            "order rounding",
            "POST",
            "orders",
            json={"line_items": [{**order_line, "subtotal": "10.125", "total": "10.125"}]},
            view=_order,
        ),
        Step(
            "order created refunded",
            "POST",
            "orders",
            json={"status": "refunded", "line_items": [order_line]},
            view=lambda o: (o.get("status"), len(o.get("refunds") or ())),
        ),
        Step("order search by id", "GET", "orders", {"search": "{order}"}, view=_count),
        Step(
            "note 1",
            "POST",
            "orders/{order}/notes",
            json={"note": "first"},
            view=lambda n: n.get("note"),
        ),
        Step(
            "note 2",
            "POST",
            "orders/{order}/notes",
            json={"note": "second"},
            view=lambda n: n.get("note"),
        ),
        Step(
            "notes order",
            "GET",
            "orders/{order}/notes",
            # Newest first, but two notes of the same second come in either order there.
            view=lambda ns: sorted(n["note"] for n in ns if n["note"] in ("first", "second")),
        ),
        Step("order edit", "GET", "orders/{order}", {"context": "edit"}, view=_order),
        Step("unknown order", "GET", "orders/999999"),
        Step(
            "tracking (not installed)",
            "GET",
            "wc-shipment-tracking/v3/orders/{order}/shipment-trackings",
        ),
        Step(
            "review",
            "POST",
            "products/reviews",
            json={
                "product_id": "{tee}",
                "review": "Nice one\n\nreally",
                "reviewer": "Bo",
                "reviewer_email": "bo@example.com",
                "rating": 4,
            },
            view=lambda r: (r.get("review"), r.get("status")),
            keep="review",
        ),
        Step(
            "duplicate review",
            "POST",
            "products/reviews",
            json={
                "product_id": "{tee}",
                "review": "Nice one\n\nreally",
                "reviewer": "Bo",
                "reviewer_email": "bo@example.com",
                "rating": 4,
            },
        ),
        Step("review view", "GET", "products/reviews/{review}", view=lambda r: r.get("review")),
        Step(
            "review edit",
            "GET",
            "products/reviews/{review}",
            {"context": "edit"},
            view=lambda r: r.get("review"),
        ),
        Step(
            "reviews of product",
            "GET",
            "products/reviews",
            {"product": "{tee}", "status": "all"},
            view=_count,
        ),
        Step("unknown review", "GET", "products/reviews/999999"),
        Step("delete unknown review", "DELETE", "products/reviews/999999", {"force": "true"}),
        Step(
            "reviews batch delete",
            "POST",
            "products/reviews/batch",
            json={"delete": ["{review}", 999999]},
            view=lambda b: [
                ("error", i["error"]["code"]) if "error" in i else "ok" for i in b["delete"]
            ],
        ),
        Step(
            "email setting",
            "GET",
            "settings/email_new_order/enabled",
            view=lambda s: s.get("value"),
        ),
        Step(
            "email setting off",
            "PUT",
            "settings/email_new_order/enabled",
            json={"value": "no"},
            view=lambda s: s.get("value"),
        ),
        Step(
            "email setting on",
            "PUT",
            "settings/email_new_order/enabled",
            json={"value": "yes"},
            view=lambda s: s.get("value"),
        ),
        Step(
            "email setting bad", "PUT", "settings/email_new_order/enabled", json={"value": "maybe"}
        ),
        Step(
            "products modified after",
            "GET",
            "products",
            {"modified_after": "2999-01-01T00:00:00", "dates_are_gmt": "true"},
            view=_count,
        ),
        Step(
            "newest first",
            "GET",
            "products",
            {"orderby": "id", "order": "desc", "per_page": 1},
            view=_skus,
        ),
        Step("delete product", "DELETE", "products/{num}", {"force": "true"}, view=_product),
        Step("deleted product", "GET", "products/{num}"),
        Step(
            "batch delete",
            "POST",
            "products/batch",
            json={"delete": ["{b1}", 999999]},
            view=lambda b: [
                ("error", i["error"]["code"]) if "error" in i else "ok" for i in b["delete"]
            ],
        ),
        Step("bad key", "GET", "products", auth=False),
    ]


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> Any:
        return 999998  # the step that should have made it failed on this side


def _fill(value: Any, ids: Mapping[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids.get(value[1:-1], 999998)
    if isinstance(value, str):
        return value.format_map(_Missing(ids))
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


def run(client: httpx.Client, bad_client: httpx.Client) -> list[tuple[str, Any]]:
    """Every step's comparable answer: (name, (status, error code, view))."""
    ids: dict[str, Any] = {}
    answers: list[tuple[str, Any]] = []
    for step in steps():
        path = _fill(step.path, ids)
        response = (client if step.auth else bad_client).request(
            step.method,
            f"wc/v3/{path}" if not path.startswith("wc-") else path,
            params={k: _fill(v, ids) for k, v in step.params.items()},
            json=_fill(step.json, ids),
        )
        body = response.json()
        view = None
        if response.status_code < 300:
            try:
                view = step.view(body)
            except (KeyError, TypeError, AttributeError, IndexError) as error:
                view = f"unreadable: {error!r}"
        if step.keep and response.status_code < 300:
            first = body
            if isinstance(body, Mapping) and "create" in body:
                first = body["create"][0]
            if isinstance(first, Mapping) and first.get("id"):
                ids[step.keep] = first["id"]
        answers.append((step.name, (response.status_code, _error(body), view)))
    return answers
