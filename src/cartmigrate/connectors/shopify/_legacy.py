"""The documents that differ for a shop pinned to Admin API 2025-01.

2025-01 has no ``customerSet``, no ``productSet(identifier:)``, no
``@idempotent`` directive, no ``changeFromQuantity``, no
``Customer.defaultEmailAddress`` and no ``orderCancel(refundMethod:)``; what
2026-01 deprecates is still current there. These twins of ``_graphql``'s
documents validate against the 2025-01 schema (the tests check every one
sent). On 2025-01 a create whose answer was lost is found by the reference
tag, a search that may lag behind the write.
"""

from __future__ import annotations

from ._graphql import _ADDRESS, _ERRORS, _PAGE_INFO

__all__ = [
    "CUSTOMER",
    "CUSTOMERS",
    "CUSTOMER_CREATE",
    "CUSTOMER_UPDATE",
    "ORDER_CANCEL",
    "PRODUCT_SET",
    "SET_QUANTITIES",
    "VARIANTS_COUNT",
]

#: 2025-01 counts without ``limit:`` (capped at 10,000 there).
VARIANTS_COUNT = "query VariantsCount { productVariantsCount { count } }"

_CUSTOMER = f"""
fragment CustomerFields on Customer {{
  id email firstName lastName phone tags createdAt updatedAt
  addresses(first: 50) {{ {_ADDRESS} }}
  sourceRef: metafield(namespace: "cartmigrate", key: "source_ref") {{ value }}
}}
"""

CUSTOMERS = (
    _CUSTOMER
    + f"""
query Customers($first: Int!, $after: String, $query: String) {{
  customers(first: $first, after: $after, query: $query) {{
    nodes {{ ...CustomerFields }} {_PAGE_INFO}
  }}
}}"""
)

CUSTOMER = _CUSTOMER + "query Customer($id: ID!) { customer(id: $id) { ...CustomerFields } }"

CUSTOMER_CREATE = f"""
mutation CustomerCreate($input: CustomerInput!) {{
  customerCreate(input: $input) {{ customer {{ id }} {_ERRORS} }}
}}"""

CUSTOMER_UPDATE = f"""
mutation CustomerUpdate($input: CustomerInput!) {{
  customerUpdate(input: $input) {{ customer {{ id }} {_ERRORS} }}
}}"""

PRODUCT_SET = """
mutation ProductSet($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) {
    product { id variants(first: 100) { nodes { id sku selectedOptions { name value } } } }
    userErrors { field message code }
  }
}"""

SET_QUANTITIES = """
mutation SetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}"""

ORDER_CANCEL = """
mutation OrderCancel($orderId: ID!, $staffNote: String) {
  orderCancel(orderId: $orderId, refund: false, restock: false, reason: OTHER,
              notifyCustomer: false, staffNote: $staffNote) {
    job { id }
    orderCancelUserErrors { field message code }
  }
}"""

#: Requested costs where they differ from ``_graphql.COSTS``, as the 2025-01
#: schema prices these documents (a test derives each): a customer page of 50
#: is 2 + 50 x 4, one customer 3 (no ``defaultEmailAddress``).
COSTS: dict[str, int] = {"Customers": 2 + 50 * 4, "Customer": 3}
PAGE_CUSTOMERS = 50
