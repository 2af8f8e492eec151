"""Every GraphQL document the connector sends, in one place.

They use only fields and arguments present in Admin API 2025-01 (the tests
validate each sent document and its variables against that schema), so they
keep working on any later version Shopify still serves. Page sizes are chosen
so that each query's requested cost stays under Shopify's 1,000-point
single-query limit; ``COSTS`` holds those requested costs, the first estimate
the throttle uses before the server has reported one.
"""

from __future__ import annotations

__all__ = ["COSTS", "NAMESPACE"]

#: Metafield namespace holding cartmigrate's own data on Shopify entities.
NAMESPACE = "cartmigrate"

PAGE_COLLECTIONS = 100
PAGE_PRODUCTS = 2
PAGE_CUSTOMERS = 50
PAGE_ORDERS = 3

_PAGE_INFO = "pageInfo { hasNextPage endCursor }"

_COLLECTION = """
fragment CollectionFields on Collection {
  id title handle descriptionHtml updatedAt
  sourceRef: metafield(namespace: "cartmigrate", key: "source_ref") { value }
  parent: metafield(namespace: "cartmigrate", key: "parent_id") { value }
}
"""

_PRODUCT = """
fragment ProductFields on Product {
  id title handle descriptionHtml vendor status tags createdAt updatedAt
  seo { title description }
  options { name values }
  sourceRef: metafield(namespace: "cartmigrate", key: "source_ref") { value }
  collections(first: 25) { nodes { id } }
  images(first: 20) { nodes { url } }
  variants(first: 100) {
    nodes {
      id sku price compareAtPrice inventoryPolicy position
      selectedOptions { name value }
      inventoryItem { id tracked }
      inventoryQuantity
    }
  }
}
"""

_ADDRESS = "firstName lastName company address1 address2 city provinceCode zip countryCodeV2 phone"

_CUSTOMER = f"""
fragment CustomerFields on Customer {{
  id email firstName lastName phone tags createdAt updatedAt
  addresses(first: 50) {{ {_ADDRESS} }}
  sourceRef: metafield(namespace: "cartmigrate", key: "source_ref") {{ value }}
}}
"""

_ORDER = f"""
fragment OrderFields on Order {{
  id name email note tags createdAt processedAt updatedAt closed cancelledAt
  currencyCode displayFinancialStatus displayFulfillmentStatus
  customer {{ id }}
  subtotalPriceSet {{ shopMoney {{ amount }} }}
  totalShippingPriceSet {{ shopMoney {{ amount }} }}
  totalTaxSet {{ shopMoney {{ amount }} }}
  totalDiscountsSet {{ shopMoney {{ amount }} }}
  totalPriceSet {{ shopMoney {{ amount }} }}
  billingAddress {{ {_ADDRESS} }}
  shippingAddress {{ {_ADDRESS} }}
  lineItems(first: 50) {{
    nodes {{
      name sku quantity originalUnitPriceSet {{ shopMoney {{ amount }} }}
      product {{ id }} variant {{ id }}
    }}
  }}
  fulfillments(first: 20) {{
    id createdAt status
    trackingInfo(first: 5) {{ company number url }}
  }}
  sourceRef: metafield(namespace: "cartmigrate", key: "source_ref") {{ value }}
  sourceStatus: metafield(namespace: "cartmigrate", key: "status") {{ value }}
  statusHistory: metafield(namespace: "cartmigrate", key: "status_history") {{ value }}
  shipments: metafield(namespace: "cartmigrate", key: "shipments") {{ value }}
}}
"""

PRIMARY_LOCATION = "query PrimaryLocation { location { id name } }"

COLLECTIONS = (
    _COLLECTION
    + f"""
query Collections($first: Int!, $after: String, $query: String) {{
  collections(first: $first, after: $after, query: $query) {{
    nodes {{ ...CollectionFields }} {_PAGE_INFO}
  }}
}}"""
)

COLLECTION = (
    _COLLECTION + "query Collection($id: ID!) { collection(id: $id) { ...CollectionFields } }"
)

PRODUCTS = (
    _PRODUCT
    + f"""
query Products($first: Int!, $after: String, $query: String) {{
  products(first: $first, after: $after, query: $query) {{
    nodes {{ ...ProductFields }} {_PAGE_INFO}
  }}
}}"""
)

PRODUCT = _PRODUCT + "query Product($id: ID!) { product(id: $id) { ...ProductFields } }"

VARIANTS_BY_SKU = """
query VariantsBySku($query: String!) {
  productVariants(first: 50, query: $query) { nodes { id sku product { id } } }
}"""

VARIANT_ITEM = """
query VariantItem($id: ID!) {
  productVariant(id: $id) { id product { id } inventoryItem { id tracked } }
}"""

PRODUCT_VENDORS = f"""
query ProductVendors($first: Int!, $after: String) {{
  productVendors(first: $first, after: $after) {{ nodes {_PAGE_INFO} }}
}}"""

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

ORDERS = (
    _ORDER
    + f"""
query Orders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, query: $query) {{
    nodes {{ ...OrderFields }} {_PAGE_INFO}
  }}
}}"""
)

ORDER = _ORDER + "query Order($id: ID!) { order(id: $id) { ...OrderFields } }"

ORDER_FULFILLMENT_ORDERS = """
query OrderFulfillmentOrders($id: ID!) {
  order(id: $id) {
    id
    fulfillmentOrders(first: 3) {
      nodes { id status lineItems(first: 50) { nodes { id sku remainingQuantity } } }
    }
  }
}"""

COUNTS = {
    "category": "query CollectionsCount { collectionsCount { count } }",
    "product": "query ProductsCount { productsCount(limit: null) { count } }",
    "customer": "query CustomersCount { customersCount { count } }",
    "order": "query OrdersCount { ordersCount(limit: null) { count } }",
}

_ERRORS = "userErrors { field message }"

COLLECTION_CREATE = f"""
mutation CollectionCreate($input: CollectionInput!) {{
  collectionCreate(input: $input) {{ collection {{ id handle }} {_ERRORS} }}
}}"""

COLLECTION_UPDATE = f"""
mutation CollectionUpdate($input: CollectionInput!) {{
  collectionUpdate(input: $input) {{ collection {{ id }} {_ERRORS} }}
}}"""

COLLECTION_DELETE = f"""
mutation CollectionDelete($input: CollectionDeleteInput!) {{
  collectionDelete(input: $input) {{ deletedCollectionId {_ERRORS} }}
}}"""

PRODUCT_SET = """
mutation ProductSet($input: ProductSetInput!) {
  productSet(input: $input, synchronous: true) {
    product { id variants(first: 100) { nodes { id sku selectedOptions { name value } } } }
    userErrors { field message code }
  }
}"""

PRODUCT_UPDATE = f"""
mutation ProductUpdate($product: ProductUpdateInput!) {{
  productUpdate(product: $product) {{ product {{ id }} {_ERRORS} }}
}}"""

VARIANTS_UPDATE = f"""
mutation VariantsUpdate($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {{
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {{
    productVariants {{ id }} {_ERRORS}
  }}
}}"""

PRODUCT_DELETE = f"""
mutation ProductDelete($input: ProductDeleteInput!) {{
  productDelete(input: $input, synchronous: true) {{ deletedProductId {_ERRORS} }}
}}"""

SET_QUANTITIES = """
mutation SetQuantities($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}"""

CUSTOMER_CREATE = f"""
mutation CustomerCreate($input: CustomerInput!) {{
  customerCreate(input: $input) {{ customer {{ id }} {_ERRORS} }}
}}"""

CUSTOMER_UPDATE = f"""
mutation CustomerUpdate($input: CustomerInput!) {{
  customerUpdate(input: $input) {{ customer {{ id }} {_ERRORS} }}
}}"""

CUSTOMER_DELETE = f"""
mutation CustomerDelete($input: CustomerDeleteInput!) {{
  customerDelete(input: $input) {{ deletedCustomerId {_ERRORS} }}
}}"""

ORDER_CREATE = """
mutation OrderCreate($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
  orderCreate(order: $order, options: $options) {
    order { id name }
    userErrors { field message code }
  }
}"""

ORDER_UPDATE = f"""
mutation OrderUpdate($input: OrderInput!) {{
  orderUpdate(input: $input) {{ order {{ id }} {_ERRORS} }}
}}"""

ORDER_CLOSE = f"""
mutation OrderClose($input: OrderCloseInput!) {{
  orderClose(input: $input) {{ order {{ id closed }} {_ERRORS} }}
}}"""

ORDER_MARK_AS_PAID = f"""
mutation OrderMarkAsPaid($input: OrderMarkAsPaidInput!) {{
  orderMarkAsPaid(input: $input) {{ order {{ id displayFinancialStatus }} {_ERRORS} }}
}}"""

ORDER_CANCEL = """
mutation OrderCancel($orderId: ID!, $staffNote: String) {
  orderCancel(orderId: $orderId, refund: false, restock: false, reason: OTHER,
              notifyCustomer: false, staffNote: $staffNote) {
    job { id }
    orderCancelUserErrors { field message code }
  }
}"""

ORDER_DELETE = """
mutation OrderDelete($orderId: ID!) {
  orderDelete(orderId: $orderId) { deletedId userErrors { field message code } }
}"""

FULFILLMENT_CREATE = f"""
mutation FulfillmentCreate($fulfillment: FulfillmentInput!) {{
  fulfillmentCreate(fulfillment: $fulfillment) {{ fulfillment {{ id }} {_ERRORS} }}
}}"""

#: Requested cost of each operation (by name) with the page sizes above;
#: the throttle's first estimate, replaced by what the server reports.
COSTS: dict[str, int] = {
    "PrimaryLocation": 1,
    "Collections": 2 + PAGE_COLLECTIONS * 4,
    "Collection": 4,
    "VariantItem": 3,
    "ProductVendors": 2 + 250,
    "Products": 2 + PAGE_PRODUCTS * 356,
    "Product": 356,
    "VariantsBySku": 2 + 50 * 2,
    "Customers": 2 + PAGE_CUSTOMERS * 4,
    "Customer": 4,
    "Orders": 2 + PAGE_ORDERS * 273,
    "Order": 273,
    "OrderFulfillmentOrders": 1 + 2 + 3 * (1 + 2 + 50),
}
MUTATION_COST = 10
