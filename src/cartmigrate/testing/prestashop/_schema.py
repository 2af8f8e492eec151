"""The webservice resources the simulator serves: their fields, as PrestaShop 8.2.1 lists them.

Field names and the rules below are what the real store answered (see the
README of ``../shared/realstores/prestashop``): which fields are
multilingual, which are required on POST, which are refused on a write
(code 93), and which associations an object carries.
"""

from __future__ import annotations

import attrs

__all__ = ["RESOURCES", "Schema"]


@attrs.define(frozen=True)
class Schema:
    element: str
    fields: tuple[str, ...]
    multilang: frozenset[str] = frozenset()
    required: tuple[str, ...] = ()
    not_writable: frozenset[str] = frozenset()
    associations: tuple[tuple[str, str], ...] = ()  # (name, item element)
    #: POST answered 405 code 101 (rows made by other resources only).
    no_post: bool = False
    #: Stamped with date_add / date_upd on writes.
    dated: bool = True

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.fields)


def _schema(element: str, fields: str, **options: object) -> Schema:
    return Schema(element, ("id", *fields.split()), **options)  # type: ignore[arg-type]


_PRODUCT = (
    "id_manufacturer id_supplier id_category_default new cache_default_attribute"
    " id_default_image id_default_combination id_tax_rules_group position_in_category"
    " manufacturer_name quantity type id_shop_default reference supplier_reference location"
    " width height depth weight quantity_discount ean13 isbn upc mpn cache_is_pack"
    " cache_has_attachments is_virtual state additional_delivery_times delivery_in_stock"
    " delivery_out_stock product_type on_sale online_only ecotax minimal_quantity"
    " low_stock_threshold low_stock_alert price wholesale_price unity unit_price"
    " unit_price_ratio additional_shipping_cost customizable text_fields uploadable_files"
    " active redirect_type id_type_redirected available_for_order available_date"
    " show_condition condition show_price indexed visibility advanced_stock_management"
    " date_add date_upd pack_stock_type meta_description meta_keywords meta_title"
    " link_rewrite name description description_short available_now available_later"
)
_ORDER = (
    "id_address_delivery id_address_invoice id_cart id_currency id_lang id_customer id_carrier"
    " current_state module invoice_number invoice_date delivery_number delivery_date valid"
    " date_add date_upd shipping_number note id_shop_group id_shop secure_key payment"
    " recyclable gift gift_message mobile_theme total_discounts total_discounts_tax_incl"
    " total_discounts_tax_excl total_paid total_paid_tax_incl total_paid_tax_excl"
    " total_paid_real total_products total_products_wt total_shipping total_shipping_tax_incl"
    " total_shipping_tax_excl carrier_tax_rate total_wrapping total_wrapping_tax_incl"
    " total_wrapping_tax_excl round_mode round_type conversion_rate reference"
)

RESOURCES: dict[str, Schema] = {
    "products": _schema(
        "product",
        _PRODUCT,
        multilang=frozenset(
            [
                "meta_description",
                "meta_keywords",
                "meta_title",
                "link_rewrite",
                "name",
                "description",
                "description_short",
                "available_now",
                "available_later",
                "delivery_in_stock",
                "delivery_out_stock",
            ]
        ),
        required=("price", "name"),
        not_writable=frozenset({"manufacturer_name", "quantity"}),
        associations=(
            ("categories", "category"),
            ("images", "image"),
            ("combinations", "combination"),
            ("product_option_values", "product_option_value"),
            ("tags", "tag"),
            ("stock_availables", "stock_available"),
        ),
    ),
    "combinations": _schema(
        "combination",
        "id_product ean13 isbn upc mpn reference supplier_reference wholesale_price price ecotax"
        " weight unit_price_impact minimal_quantity low_stock_threshold low_stock_alert"
        " default_on available_date available_now available_later",
        multilang=frozenset({"available_now", "available_later"}),
        required=("id_product", "minimal_quantity"),
        associations=(("product_option_values", "product_option_value"), ("images", "image")),
        dated=False,
    ),
    "stock_availables": _schema(
        "stock_available",
        "id_product id_product_attribute id_shop id_shop_group quantity depends_on_stock"
        " out_of_stock location",
        no_post=True,
        dated=False,
    ),
    "categories": _schema(
        "category",
        "id_parent level_depth nb_products_recursive active id_shop_default is_root_category"
        " position date_add date_upd name link_rewrite description additional_description"
        " meta_title meta_description meta_keywords",
        multilang=frozenset(
            [
                "name",
                "link_rewrite",
                "description",
                "additional_description",
                "meta_title",
                "meta_description",
                "meta_keywords",
            ]
        ),
        required=("name", "link_rewrite"),
        not_writable=frozenset({"level_depth", "nb_products_recursive"}),
        associations=(("categories", "category"), ("products", "product")),
    ),
    "manufacturers": _schema(
        "manufacturer",
        "active link_rewrite name date_add date_upd description short_description meta_title"
        " meta_description meta_keywords",
        multilang=frozenset(
            ["description", "short_description", "meta_title", "meta_description", "meta_keywords"]
        ),
        required=("name",),
        not_writable=frozenset({"link_rewrite"}),
    ),
    "customers": _schema(
        "customer",
        "id_default_group id_lang newsletter_date_add ip_registration_newsletter last_passwd_gen"
        " secure_key deleted passwd lastname firstname email id_gender birthday newsletter optin"
        " website company siret ape outstanding_allow_amount show_public_prices id_risk"
        " max_payment_days active note is_guest id_shop id_shop_group date_add date_upd"
        " reset_password_token reset_password_validity",
        required=("firstname", "lastname", "email", "passwd"),
        associations=(("groups", "group"),),
    ),
    "addresses": _schema(
        "address",
        "id_customer id_manufacturer id_supplier id_warehouse id_country id_state alias company"
        " lastname firstname vat_number address1 address2 postcode city other phone"
        " phone_mobile dni deleted date_add date_upd",
        required=("id_country", "alias", "lastname", "firstname", "address1", "city"),
    ),
    "carts": _schema(
        "cart",
        "id_address_delivery id_address_invoice id_currency id_customer id_guest id_lang"
        " id_shop_group id_shop id_carrier recyclable gift gift_message mobile_theme"
        " delivery_option secure_key allow_seperated_package date_add date_upd",
        required=("id_currency", "id_lang"),
        associations=(("cart_rows", "cart_row"),),
    ),
    "orders": _schema(
        "order",
        _ORDER,
        required=("id_cart", "module", "payment", "total_paid"),
        associations=(("order_rows", "order_row"),),
    ),
    "order_histories": _schema(
        "order_history", "id_employee id_order_state id_order date_add", dated=False
    ),
    "order_details": _schema(
        "order_detail",
        "id_order product_id product_attribute_id product_quantity product_name"
        " product_reference product_price unit_price_tax_incl unit_price_tax_excl",
        dated=False,
    ),
    "order_carriers": _schema(
        "order_carrier",
        "id_order id_carrier id_order_invoice weight shipping_cost_tax_excl"
        " shipping_cost_tax_incl tracking_number date_add",
        dated=False,
    ),
    "order_states": _schema(
        "order_state",
        "unremovable delivery hidden send_email module_name invoice color logable shipped paid"
        " pdf_delivery pdf_invoice deleted name template",
        multilang=frozenset({"name", "template"}),
        dated=False,
    ),
    "product_options": _schema(
        "product_option",
        "is_color_group group_type position name public_name",
        multilang=frozenset({"name", "public_name"}),
        associations=(("product_option_values", "product_option_value"),),
        dated=False,
    ),
    "product_option_values": _schema(
        "product_option_value",
        "id_attribute_group color position name",
        multilang=frozenset({"name"}),
        required=("id_attribute_group", "name"),
        dated=False,
    ),
    "countries": _schema(
        "country",
        "id_zone id_currency call_prefix iso_code active contains_states"
        " need_identification_number need_zip_code zip_code_format display_tax_label name",
        multilang=frozenset({"name"}),
        dated=False,
    ),
    "states": _schema("state", "id_zone id_country iso_code name active", dated=False),
    "currencies": _schema(
        "currency",
        "names name symbol iso_code numeric_iso_code precision conversion_rate deleted active"
        " unofficial modified pattern",
        dated=False,
    ),
    "languages": _schema(
        "language",
        "name iso_code locale language_code active is_rtl date_format_lite date_format_full",
        dated=False,
    ),
    "carriers": _schema(
        "carrier",
        "deleted is_module id_tax_rules_group id_reference name active is_free url"
        " shipping_handling shipping_external range_behavior shipping_method max_width"
        " max_height max_depth max_weight grade external_module_name need_range position delay",
        multilang=frozenset({"delay"}),
        dated=False,
    ),
    "groups": _schema(
        "group",
        "reduction price_display_method show_prices date_add date_upd name",
        multilang=frozenset({"name"}),
    ),
    "tags": _schema("tag", "id_lang name", dated=False),
    "specific_prices": _schema(
        "specific_price",
        "id_shop_group id_shop id_cart id_product id_product_attribute id_currency id_country"
        " id_group id_customer id_specific_price_rule price from_quantity reduction"
        " reduction_tax reduction_type from to",
        required=("id_product", "price", "from_quantity", "reduction", "reduction_type"),
        dated=False,
    ),
    "configurations": _schema(
        "configuration", "value name id_shop_group id_shop date_add date_upd"
    ),
}
