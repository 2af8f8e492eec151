"""Every GraphQL document the connector sends to Admin API 2026-01 and later.

They validate against the official 2026-01 schema and use nothing it marks
deprecated, in the document or in the variables the connector passes (the
tests check every document sent). The few that 2025-01 cannot take
(``customerSet``, ``productSet(identifier:)``, ``@idempotent``,
``changeFromQuantity``, ``defaultEmailAddress``, ``refundMethod``) have a
2025-01 twin in ``_legacy``, for shops pinned to that version. Page sizes are chosen
so that each query's requested cost stays under Shopify's 1,000-point
single-query limit; ``COSTS`` holds those requested costs, the first estimate
the throttle uses before the server has reported one.
"""

from __future__ import annotations

__all__ = ["COSTS", "NAMESPACE", "SOURCE_REF"]

#: Metafield namespace holding cartmigrate's own data on Shopify entities.
NAMESPACE = "cartmigrate"
#: The key of the metafield holding the source reference: a custom ID (type
#: ``id``, unique per owner type) that entities are created and found by.
SOURCE_REF = "source_ref"

PAGE_COLLECTIONS = 100
#: Variants read with each product; a product with more has the rest read by
#: PRODUCT_VARIANTS, 100 a query (a product holds up to 2,048), and so its
#: collections past 25 and images past 20. With 100 variants read each, a page
#: held one product (578 of the 1,000 points a query may ask for, two 1,154),
#: and a product of more variants, collections or images was read without
#: them; with 10, a page holds 5 (907 with every connection's page info; 6
#: would ask 1,088).
PRODUCT_VARIANTS_FIRST = 10
PAGE_PRODUCTS = 5
PAGE_CUSTOMERS = 20
PAGE_ORDERS = 3
#: Addresses read with each customer; more are fetched by CUSTOMER_ADDRESSES.
CUSTOMER_ADDRESSES_FIRST = 20

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
  collections(first: 25) { nodes { id } PAGE_INFO }
  media(first: 20) { nodes { ... on MediaImage { image { url } } } PAGE_INFO }
  variants(first: PRODUCT_VARIANTS_FIRST) { nodes { ...VariantFields } PAGE_INFO }
}
"""

_VARIANT = """
fragment VariantFields on ProductVariant {
  id sku price compareAtPrice inventoryPolicy position
  selectedOptions { name value }
  inventoryItem { id tracked measurement { weight { value unit } } }
  inventoryQuantity
}
"""
_PRODUCT = _VARIANT + _PRODUCT.replace(
    "PRODUCT_VARIANTS_FIRST", str(PRODUCT_VARIANTS_FIRST)
).replace("PAGE_INFO", _PAGE_INFO)

_ADDRESS = "firstName lastName company address1 address2 city provinceCode zip countryCodeV2 phone"

_CUSTOMER = f"""
fragment CustomerFields on Customer {{
  id firstName lastName tags createdAt updatedAt
  defaultEmailAddress {{ emailAddress }}
  defaultPhoneNumber {{ phoneNumber }}
  addressesV2(first: {CUSTOMER_ADDRESSES_FIRST}) {{ nodes {{ {_ADDRESS} }} {_PAGE_INFO} }}
  sourceRef: metafield(namespace: "cartmigrate", key: "source_ref") {{ value }}
}}
"""

_LINE = (
    "name sku quantity originalUnitPriceSet { shopMoney { amount } } product { id } variant { id }"
)

#: ``Order.fulfillments`` is a list, not a connection: ``first`` truncates it
#: and there is no next page. An order's first 20 are read with it, and
#: ``fulfillmentsCount`` says when there are more (``ORDER_FULFILLMENTS``).
ORDER_FULFILLMENTS_FIRST = 20
ORDER_FULFILLMENTS_MAX = 250
#: ``trackingInfo`` is asked whole: a fulfillment may carry several numbers.
_FULFILLMENT = "id createdAt status trackingInfo { company number url }"

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
  lineItems(first: 50) {{ nodes {{ {_LINE} }} {_PAGE_INFO} }}
  fulfillmentsCount {{ count }}
  fulfillments(first: {ORDER_FULFILLMENTS_FIRST}) {{ {_FULFILLMENT} }}
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

PRODUCT_VARIANTS = (
    _VARIANT
    + f"""
query ProductVariants($id: ID!, $after: String) {{
  product(id: $id) {{
    variants(first: 100, after: $after) {{ nodes {{ ...VariantFields }} {_PAGE_INFO} }}
  }}
}}"""
)

#: An order's lines past the 50 read with it, 100 a query (603 points).
ORDER_LINE_ITEMS = f"""
query OrderLineItems($id: ID!, $after: String) {{
  order(id: $id) {{ lineItems(first: 100, after: $after) {{ nodes {{ {_LINE} }} {_PAGE_INFO} }} }}
}}"""

#: An order's fulfillments past those read with it, asked again as one list.
ORDER_FULFILLMENTS = f"""
query OrderFulfillments($id: ID!) {{
  order(id: $id) {{
    fulfillmentsCount {{ count }}
    fulfillments(first: {ORDER_FULFILLMENTS_MAX}) {{ {_FULFILLMENT} }}
  }}
}}"""

#: A product's collections and images past those read with it (25 and 20).
PRODUCT_COLLECTIONS = f"""
query ProductCollections($id: ID!, $after: String) {{
  product(id: $id) {{ collections(first: 250, after: $after) {{ nodes {{ id }} {_PAGE_INFO} }} }}
}}"""

PRODUCT_MEDIA = f"""
query ProductMedia($id: ID!, $after: String) {{
  product(id: $id) {{
    media(first: 100, after: $after) {{
      nodes {{ ... on MediaImage {{ image {{ url }} }} }} {_PAGE_INFO}
    }}
  }}
}}"""

VARIANTS_BY_SKU = """
query VariantsBySku($query: String!) {
  productVariants(first: 50, query: $query) { nodes { id sku product { id } } }
}"""

VARIANT_ITEM = """
query VariantItem($id: ID!, $locationId: ID!) {
  productVariant(id: $id) {
    id inventoryQuantity product { id }
    inventoryItem {
      id tracked measurement { weight { value unit } }
      inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { quantity } }
    }
  }
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

CUSTOMER_ADDRESSES = f"""
query CustomerAddresses($id: ID!, $after: String) {{
  customer(id: $id) {{
    addressesV2(first: 250, after: $after) {{ nodes {{ {_ADDRESS} }} {_PAGE_INFO} }}
  }}
}}"""

# Found by the source reference, a custom ID: read at once, unlike a tag
# search, which lags behind writes (Shopify's search index is eventually
# consistent), so a create whose answer was lost is found right away.
_BY_REF = '(identifier: {customId: {namespace: "cartmigrate", key: "source_ref", value: $ref}})'
PRODUCT_BY_REF = (
    _PRODUCT
    + f"query ProductByRef($ref: String!) {{ productByIdentifier{_BY_REF} {{ ...ProductFields }} }}"
)
CUSTOMER_BY_REF = (
    _CUSTOMER
    + "query CustomerByRef($ref: String!) {"
    + f" customerByIdentifier{_BY_REF} {{ ...CustomerFields }} }}"
)
ORDER_BY_REF = (
    _ORDER
    + f"query OrderByRef($ref: String!) {{ orderByIdentifier{_BY_REF} {{ ...OrderFields }} }}"
)
COLLECTION_BY_REF = (
    _COLLECTION
    + "query CollectionByRef($ref: String!) {"
    + f" collectionByIdentifier{_BY_REF} {{ ...CollectionFields }} }}"
)

SOURCE_REF_DEFINITIONS = """
query SourceRefDefinitions($owner: MetafieldOwnerType!) {
  metafieldDefinitions(first: 1, ownerType: $owner, namespace: "cartmigrate", key: "source_ref") {
    nodes { id type { name } }
  }
}"""

METAFIELD_DEFINITION_CREATE = """
mutation SourceRefDefinition($definition: MetafieldDefinitionInput!) {
  metafieldDefinitionCreate(definition: $definition) {
    createdDefinition { id }
    userErrors { field message code }
  }
}"""

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
mutation ProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product {
      id
      variants(first: 100) {
        nodes { id sku selectedOptions { name value } } pageInfo { hasNextPage endCursor }
      }
    }
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
mutation SetQuantities($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { id }
    userErrors { field message code }
  }
}"""

CUSTOMER_SET = """
mutation CustomerSet($input: CustomerSetInput!, $identifier: CustomerSetIdentifiers) {
  customerSet(input: $input, identifier: $identifier) {
    customer { id }
    userErrors { field message code }
  }
}"""

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
  orderCancel(orderId: $orderId, refundMethod: {originalPaymentMethodsRefund: false},
              restock: false, reason: OTHER, notifyCustomer: false, staffNote: $staffNote) {
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

# -- preflight and redirects (see _preflight, _redirects) ----------------------
#: The cheap request ``check_access`` sends: the token works, what it was
#: granted, and which API versions the shop serves.
PREFLIGHT = """
query Preflight {
  currentAppInstallation { accessScopes { handle } }
  publicApiVersions { handle supported }
}"""

VARIANTS_COUNT = "query VariantsCount { productVariantsCount(limit: null) { count } }"

#: The redirects already in the shop for some paths (``path:`` search terms).
URL_REDIRECTS = """
query UrlRedirects($first: Int!, $after: String, $query: String) {
  urlRedirects(first: $first, after: $after, query: $query) {
    nodes { id path target }
    pageInfo { hasNextPage endCursor }
  }
}"""

URL_REDIRECT_CREATE = """
mutation UrlRedirectCreate($urlRedirect: UrlRedirectInput!) {
  urlRedirectCreate(urlRedirect: $urlRedirect) {
    urlRedirect { id path target }
    userErrors { field message code }
  }
}"""

#: Requested cost of each operation (by name) with the page sizes above;
#: the throttle's first estimate, replaced by what the server reports.
COSTS: dict[str, int] = {
    "PrimaryLocation": 1,
    "Preflight": 3,
    "UrlRedirects": 2 + 50,
    "Collections": 2 + PAGE_COLLECTIONS * 4,
    "Collection": 3,
    "VariantItem": 7,
    "SourceRefDefinitions": 4,
    "CustomerAddresses": 1 + 2 + 250 * 2,
    "ProductByRef": 180,
    "CustomerByRef": 6 + 2 * CUSTOMER_ADDRESSES_FIRST,
    "OrderByRef": 323,
    "CollectionByRef": 3,
    "ProductVendors": 2 + 250,
    "Products": 2 + PAGE_PRODUCTS * 181,
    "Product": 180,
    "VariantsBySku": 2 + 50 * 2,
    "Customers": 2 + PAGE_CUSTOMERS * (7 + 2 * CUSTOMER_ADDRESSES_FIRST),
    "Customer": 6 + 2 * CUSTOMER_ADDRESSES_FIRST,
    "Orders": 2 + PAGE_ORDERS * 324,
    "Order": 323,
    "OrderFulfillmentOrders": 1 + 2 + 3 * (1 + 2 + 50),
    "OrderFulfillments": 4,
    "ProductVariants": 603,
    "ProductCollections": 503,
    "ProductMedia": 303,
    "OrderLineItems": 603,
}
MUTATION_COST = 10

# -- bulk writes (see _bulk) ---------------------------------------------------
#: Run once per line of the staged JSONL file; the answer names the source
#: reference, so every result line maps back to its entity by it.
BULK_PRODUCT_SET = """
mutation BulkProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier) {
    product {
      id
      sourceRef: metafield(namespace: "cartmigrate", key: "source_ref") { value }
      variants(first: 100) {
        nodes { id selectedOptions { name value } } pageInfo { hasNextPage endCursor }
      }
    }
    userErrors { field message code }
  }
}"""

STAGED_UPLOADS_CREATE = """
mutation StagedUpload($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) {
    stagedTargets { url resourceUrl parameters { name value } }
    userErrors { field message }
  }
}"""

BULK_RUN_MUTATION = """
mutation BulkRun($mutation: String!, $path: String!, $client: String) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path,
                           clientIdentifier: $client) {
    bulkOperation { id status }
    userErrors { field message code }
  }
}"""

BULK_OPERATION = """
query BulkOperation($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl }
}"""
