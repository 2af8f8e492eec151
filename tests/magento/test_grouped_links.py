"""``_grouped``: a page's grouped products resolved to their children's ids."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from cartmigrate.connectors.magento._api import Filter
from cartmigrate.connectors.magento._grouped import children_of, linked_skus

_STORE = {"A": 1, "B": 2, "C,1": 3}  # a SKU may hold a comma


class _Api:
    """Answers product searches by SKU as Magento does: ``in`` splits on commas."""

    def __init__(self) -> None:
        self.asked: list[list[Filter]] = []

    def search(self, path: str, filters: Sequence[Filter], **_: Any) -> Iterator[list[Any]]:
        assert path == "products"
        self.asked.append(list(filters))
        [only] = filters
        wanted = only.value.split(",") if only.condition == "in" else [only.value]
        yield [{"id": _STORE[s], "sku": s} for s in wanted if s in _STORE]


def _link(sku: str, position: int, link_type: str = "associated") -> dict[str, Any]:
    return {"link_type": link_type, "linked_product_sku": sku, "position": position}


def test_links_are_read_in_position_order_associated_only() -> None:
    raw = {"product_links": [_link("B", 2), _link("X", 0, "related"), _link("A", 1), "junk"]}
    assert linked_skus(raw) == ["A", "B"]


def test_a_pages_groups_get_their_childrens_ids_in_one_search_and_one_per_comma() -> None:
    api = _Api()
    raws = [
        {"id": 10, "type_id": "grouped", "product_links": [_link("B", 0), _link("C,1", 1)]},
        {"id": 11, "type_id": "grouped", "product_links": [_link("GONE", 0), _link("A", 1)]},
        {"id": 12, "type_id": "simple", "product_links": [_link("A", 0)]},
    ]
    assert children_of(api, raws) == {"10": ("2", "3"), "11": ("1",)}  # GONE: left out
    kinds = sorted((f.condition, f.value) for filters in api.asked for f in filters)
    assert kinds == [("eq", "C,1"), ("in", "A,B,GONE")]


def test_a_page_without_groups_asks_nothing() -> None:
    api = _Api()
    assert children_of(api, [{"id": 1, "type_id": "simple"}]) == {}
    assert api.asked == []
