"""An offline PrestaShop 8.2.1 webservice, answering as the real store was seen to.

``PrestaShopCart(url, key, transport=sim.transport)`` talks to it exactly as
to a shop. What it reproduces (from the real store's README):

- key as Basic user (or ``ws_key``); no key -> plain-text 401, a bad key ->
  401 codes 20/21; any host but the shop's -> 302 to it; more keys with
  fewer permissions (``add_key``, like the real store's read-only key): a
  resource the key may not use -> 401 code 26, a method -> 405 code 25;
- ``GET /api``: the XML index of the resources the key may use, each with
  ``get``/``put``/``post``/``patch``/``delete``/``head`` = ``true``/``false``;
- JSON out (``output_format=JSON``), XML in (a JSON body -> 500 code 3);
- lists: ids only unless ``display=full`` / ``display=[a,b]``; ``filter[f]``
  with ``[a|b]``, ``[a,b]`` ranges, ``>[n]``/``<[n]``, ``%[v]%``; date fields
  only with ``date=1``; ``sort=[f_ASC]``; ``limit=n`` or ``offset,count``;
  no total anywhere, ``[]`` past the end; unknown filter/display/sort field
  -> 500 codes 32/35/38;
- a single GET drops every falsy field; ``id`` an int on GET, a string in
  write answers; unknown id -> 404 with an empty body;
- PATCH partial, PUT a full replace; id forbidden on POST (91), required on
  PUT/PATCH (90), unknown (92); fields not writable (93); duplicate e-mail ->
  500 codes 140+46; POST stock_availables -> 405 code 101; DELETE -> 200 empty;
- stock rows made by products and combinations, the product's row their sum;
  a stock change does not touch the product's ``date_upd``;
- orders from carts through the payment-module path (see ``_shop``).

Faults: ``fail_next("POST", "products")`` applies the next such write and
answers a 500 with a PHP warning (or, with ``timeout=True``, raises a read
time-out); with ``applied=False`` nothing is written (a fatal error's empty
500): the unknown outcomes a connector must settle.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import re
import threading
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import httpx

from ._orders import delete_detail, patch_detail, post_history
from ._sample import load_sample
from ._schema import RESOURCES, Schema
from ._shop import ApiError, Row, SentMail, Shop

__all__ = ["PrestaShopSimulator", "RecordedRequest"]

_DATE_FIELDS = frozenset({"date_add", "date_upd"})
_METHODS = ("GET", "PUT", "POST", "PATCH", "DELETE", "HEAD")
_PHP_WARNING = (3, "[PHP Warning #2] Undefined array key 2 (/classes/ObjectModel.php, line 1234)")


@attrs.define(frozen=True)
class RecordedRequest:
    method: str
    resource: str
    params: tuple[tuple[str, str], ...]


@attrs.define
class _Fault:
    method: str
    resource: str
    timeout: bool
    applied: bool
    after: int


class PrestaShopSimulator:
    """One simulated shop; ``transport`` is what a connector is given."""

    def __init__(
        self,
        *,
        key: str = "SIMULATEDPRESTAWEBSERVICEKEY0001",
        host: str = "shop.example",
        clock: Callable[[], dt.datetime] | None = None,
        seed: int = 0,
        sample: bool = True,
    ) -> None:
        self.key = key
        #: key -> resource -> methods; None: every method on every resource
        self._keys: dict[str, dict[str, frozenset[str]] | None] = {key: None}
        self.host = host
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.shop = Shop(now=self._clock, seed=seed)
        self.requests: list[RecordedRequest] = []
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self.transport = httpx.MockTransport(self.handle)
        if sample:
            load_sample(self.shop)

    @property
    def url(self) -> str:
        return f"https://{self.host}"

    @property
    def mails(self) -> list[SentMail]:
        return list(self.shop.mails)

    def load(self, rows: Mapping[str, list[Row]]) -> None:
        """Replace the named tables with these rows (the real store's full-list JSON)."""
        with self._lock:
            for resource, items in rows.items():
                self.shop.tables[resource] = {}
                self.shop.next_ids[resource] = 1
                for item in items:
                    self.shop.put(resource, dict(item))

    def fail_next(
        self,
        method: str,
        resource: str,
        *,
        timeout: bool = False,
        applied: bool = True,
        after: int = 0,
    ) -> None:
        """The next ``method`` on ``resource`` (once ``after`` more went well) is
        applied (or, with ``applied=False``, not), and its answer lost: a 500
        with a PHP warning, or a read time-out."""
        with self._lock:
            self._faults.append(_Fault(method.upper(), resource, timeout, applied, after))

    def add_key(self, key: str, permissions: Mapping[str, Any]) -> None:
        """Another webservice key, allowed only ``permissions`` (resource -> methods)."""
        with self._lock:
            self._keys[key] = {r: frozenset(m.upper() for m in ms) for r, ms in permissions.items()}

    def requests_to(self, method: str, resource: str) -> list[RecordedRequest]:
        return [r for r in self.requests if (r.method, r.resource) == (method, resource)]

    # -- HTTP --------------------------------------------------------------------
    def handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            return self._handle(request)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        params = tuple(request.url.params.multi_items())
        path = request.url.path
        if request.url.netloc.decode() != self.host:
            location = f"{self.url}/?url={path.removeprefix('/api/')}"
            return httpx.Response(302, headers={"Location": location})
        if not path.startswith("/api"):
            return httpx.Response(404)
        parts = [p for p in path[len("/api") :].split("/") if p]
        resource = parts[0] if parts else ""
        self.requests.append(RecordedRequest(request.method, resource, params))
        auth = self._auth(request, dict(params))
        if not isinstance(auth, str):
            return auth
        permissions = self._permissions(auth)
        if resource == "" and request.method == "GET":
            return self._index(permissions)
        if resource and resource not in RESOURCES and resource != "images":
            return self._errors(400, [(27, f'Resource of type "{resource}" does not exists.')])
        allowed = permissions.get(resource)
        if resource and allowed is None:
            return self._errors(
                401, [(26, f'Resource of type "{resource}" is not allowed with this key')]
            )
        if allowed is not None and request.method not in allowed:
            return self._errors(
                405,
                [(25, f"Method {request.method} is not allowed for {resource} with this key")],
            )
        as_json = (
            dict(params).get("output_format") == "JSON"
            or request.headers.get("Output-Format") == "JSON"
        )
        try:
            if resource == "images":
                return self._image(request, parts)
            if resource not in RESOURCES:
                raise ApiError(400, [(27, f'Resource of type "{resource}" does not exists.')])
            item = parts[1] if len(parts) > 1 else None
            fault = self._take_fault(request.method, resource)
            if fault is not None and not fault.applied:
                if fault.timeout:
                    raise httpx.ReadTimeout("simulated lost request", request=request)
                return httpx.Response(500, content=b"")  # a fatal error: an empty body
            response = self._dispatch(request, resource, item, dict(params))
            if fault is not None:
                if fault.timeout:
                    raise httpx.ReadTimeout("simulated lost answer", request=request)
                return self._errors(500, [_PHP_WARNING])
            return response
        except ApiError as error:
            if error.body is not None:
                return httpx.Response(
                    error.status,
                    content=error.body.encode(),
                    headers={"Content-Type": error.content_type},
                )
            if error.status == 404 and not error.errors:
                return httpx.Response(404, content=b"")
            if not as_json:
                return _xml_errors(error.status, error.errors)
            return self._errors(error.status, error.errors)

    def _permissions(self, key: str) -> dict[str, frozenset[str]]:
        granted = self._keys[key]
        if granted is None:
            everything = frozenset(_METHODS)
            return dict.fromkeys([*RESOURCES, "images"], everything)
        return granted

    def _index(self, permissions: Mapping[str, frozenset[str]]) -> httpx.Response:
        """``GET /api`` (XML only: its JSON answers 500 with an empty body)."""
        root = ET.Element("prestashop", {"xmlns:xlink": "http://www.w3.org/1999/xlink"})
        api = ET.SubElement(root, "api", {"shopName": "Simulated shop"})
        for name in sorted(permissions):
            attributes = {
                "xlink:href": f"{self.url}/api/{name}",
                **{m.lower(): "true" if m in permissions[name] else "false" for m in _METHODS},
            }
            node = ET.SubElement(api, name, attributes)
            ET.SubElement(node, "description", attributes).text = f"The {name}"
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)
        return httpx.Response(200, content=body, headers={"Content-Type": "text/xml;charset=utf-8"})

    def _auth(self, request: httpx.Request, params: dict[str, str]) -> httpx.Response | str:
        """The key of the request, or the answer refusing it."""
        header = request.headers.get("Authorization", "")
        key = params.get("ws_key")
        if header.startswith("Basic "):
            key = base64.b64decode(header[6:]).decode(errors="replace").partition(":")[0]
        if key is None:
            return httpx.Response(
                401,
                content=b"401 Unauthorized",
                headers={"WWW-Authenticate": 'Basic realm="Welcome to PrestaShop Webservice"'},
            )
        if key not in self._keys:
            return self._errors(
                401,
                [(20, "Authentification key is not active"), (21, "No permission for this key")],
            )
        return key

    def _take_fault(self, method: str, resource: str) -> _Fault | None:
        for fault in self._faults:
            if (fault.method, fault.resource) == (method, resource):
                if fault.after:
                    fault.after -= 1
                    return None
                self._faults.remove(fault)
                return fault
        return None

    @staticmethod
    def _errors(status: int, errors: list[tuple[int, str]]) -> httpx.Response:
        body = {"errors": [{"code": code, "message": message} for code, message in errors]}
        return httpx.Response(status, json=body)

    def _dispatch(
        self, request: httpx.Request, resource: str, item: str | None, params: dict[str, str]
    ) -> httpx.Response:
        schema = RESOURCES[resource]
        method = request.method
        if method == "GET":
            return self._get(resource, schema, item, params)
        if method == "DELETE":
            if item is None or not item.isdigit():
                raise ApiError(400, [(87, "You have to set one or several ids")])
            if resource == "order_details":
                delete_detail(self.shop, item)
                return httpx.Response(200, content=b"")
            self.shop.delete(resource, int(item))
            return httpx.Response(200, content=b"")
        values = self._parse(request.content, schema)
        if method == "POST":
            if "id" in values:
                raise ApiError(400, [(91, "Id is forbidden when adding a new resource")])
            if resource == "order_histories":
                # OrderHistory::addWs: the state logic; the e-mail only with ?sendemail=1.
                row = post_history(self.shop, values, send_email=params.get("sendemail") == "1")
                return httpx.Response(201, json={schema.element: _written(row)})
            row = self.shop.create(resource, values)
            if resource == "orders":
                # Order::addWs: the answer echoes what was posted (falsy fields
                # dropped), its id an int, with the lines the cart gave.
                echo = {k: v for k, v in _falsy_dropped(values).items() if k != "associations"}
                answer = {"id": row["id"], **echo, "associations": row["associations"]}
                return httpx.Response(201, json={schema.element: answer})
            return httpx.Response(201, json={schema.element: _written(row)})
        if method == "PATCH" and resource == "order_details":
            row = patch_detail(self.shop, str(values.get("id") or item), values)
            return httpx.Response(200, json={schema.element: _written(row)})
        if method in ("PUT", "PATCH"):
            row = self._update(resource, schema, item, values, replace=method == "PUT")
            return httpx.Response(200, json={schema.element: _written(row)})
        raise ApiError(405, [(100, f"Method {method} is not valid")])

    def _image(self, request: httpx.Request, parts: list[str]) -> httpx.Response:
        """``POST images/products/{id}``: a multipart ``image``; the answer is the image."""
        if request.method != "POST" or len(parts) != 3 or parts[1] != "products":
            raise ApiError(405, [(100, "Only product image uploads are simulated")])
        product = self.shop.get("products", int(parts[2])) if parts[2].isdigit() else None
        if product is None:
            raise ApiError(404, [(87, f"Id(s) not exists: {parts[2]}")])
        data = _uploaded_image(request)
        if data is None:
            raise ApiError(400, [(76, "Image upload error: the file is not an image")])
        image_id = self.shop.next_ids.setdefault("images", 1)
        self.shop.next_ids["images"] = image_id + 1
        product["associations"].setdefault("images", []).append({"id": str(image_id)})
        if product["id_default_image"] in ("", "0"):
            product["id_default_image"] = str(image_id)
        return httpx.Response(200, content=data, headers={"Content-Type": "text/xml"})

    # -- reading --------------------------------------------------------------
    def _get(
        self, resource: str, schema: Schema, item: str | None, params: dict[str, str]
    ) -> httpx.Response:
        if item is not None and "display" not in params:
            row = self.shop.get(resource, int(item)) if item.isdigit() else None
            if row is None:
                raise ApiError(404)
            # The JSON output drops every falsy field of a single object.
            return httpx.Response(200, json={schema.element: _falsy_dropped(_shown(row))})
        rows = list(self.shop.tables[resource].values())
        if item is not None:
            rows = [r for r in rows if str(r["id"]) == item]
        for key, value in params.items():
            match = re.fullmatch(r"filter\[(\w+)\]", key)
            if match is None:
                continue
            name = match.group(1)
            if name not in schema.names or (name in _DATE_FIELDS and params.get("date") != "1"):
                raise ApiError(500, [(32, "This filter does not exist.")])
            rows = [r for r in rows if _matches(str(r.get(name, "")), value, name)]
        sort = params.get("sort")
        if sort:
            for spec in reversed(sort.strip("[]").split(",")):
                name, _, direction = spec.rpartition("_")
                if name not in schema.names or direction not in ("ASC", "DESC"):
                    raise ApiError(500, [(38, "Unable to filter by this field.")])
                rows.sort(key=_by(name), reverse=direction == "DESC")
        rows = _limited(rows, params.get("limit"))
        display = params.get("display")
        if display is None:
            shown = [{"id": r["id"]} for r in rows]
        elif display == "full":
            shown = [_shown(r) for r in rows]
        else:
            names = [n.strip() for n in display.strip("[]").split(",") if n.strip()]
            unknown = [n for n in names if n not in schema.names]
            if unknown:
                raise ApiError(500, [(35, f'Unable to display this field "{unknown[0]}".')])
            shown = [{n: (r["id"] if n == "id" else r.get(n, "")) for n in names} for r in rows]
        if not shown:
            return httpx.Response(200, json=[])
        return httpx.Response(200, json={resource: shown})

    # -- writing --------------------------------------------------------------
    @staticmethod
    def _parse(content: bytes, schema: Schema) -> Row:
        try:
            root = ET.fromstring(content)
        except ET.ParseError as error:
            raise ApiError(
                500,
                [
                    (3, f"[PHP Warning #2] SimpleXMLElement::__construct(): parser error: {error}"),
                    (127, "XML error : String could not be parsed as XML"),
                ],
            ) from None
        node = root.find(schema.element)
        if node is None:
            raise ApiError(400, [(40, f"no {schema.element} element")])
        values: Row = {}
        for child in node:
            if child.tag == "associations":
                values["associations"] = {
                    group.tag: [{cell.tag: cell.text or "" for cell in row} for row in group]
                    for group in child
                }
            elif len(child):
                languages = child.findall("language")
                first = next((lang for lang in languages if lang.get("id") == "1"), None)
                chosen = first if first is not None else (languages[0] if languages else None)
                values[child.tag] = chosen.text or "" if chosen is not None else ""
            else:
                values[child.tag] = child.text or ""
        return values

    def _update(
        self, resource: str, schema: Schema, item: str | None, values: Row, *, replace: bool
    ) -> Row:
        row_id = values.get("id") or item
        if not row_id:
            raise ApiError(400, [(90, "Id is required when modifying a resource")])
        row = self.shop.get(resource, int(row_id))
        if row is None:
            raise ApiError(404, [(92, f"Id(s) not exists: {row_id}")])
        refused = sorted(set(values) & schema.not_writable)
        if refused:
            raise ApiError(400, [(93, f'parameter "{refused[0]}" not writable')])
        if replace:
            for name in schema.fields:
                if name not in ("id", "date_add", "date_upd") and name not in values:
                    row[name] = "0" if name.startswith("id_") else ""
            row["date_add"] = self.shop.stamp() if schema.dated else row.get("date_add", "")
        state = values.pop("current_state", None)
        shipping = values.pop("shipping_number", None) if resource == "orders" else None
        for name, value in values.items():
            if name == "associations":
                row["associations"].update(value)
            elif name in schema.names and name != "id":
                row[name] = value
        if schema.dated:
            row["date_upd"] = self.shop.stamp()
        if resource == "stock_availables" and row["id_product_attribute"] != "0":
            self.shop.sum_stock(int(row["id_product"]))
        if resource == "orders" and state is not None and state != row["current_state"]:
            self.shop.change_state(row, str(state), send_email=True)
        if shipping is not None:
            for carrier in self.shop.tables["order_carriers"].values():
                if carrier["id_order"] == str(row["id"]):
                    carrier["tracking_number"] = shipping
        if resource == "order_carriers" and "tracking_number" in values:
            # Order::getWsShippingNumber reads it from here.
            order = self.shop.get("orders", int(row["id_order"] or 0))
            if order is not None:
                order["shipping_number"] = row["tracking_number"]
        return row


_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"RIFF")


def _uploaded_image(request: httpx.Request) -> bytes | None:
    """The bytes of the multipart field ``image`` when they are an image, else None."""
    kind = request.headers.get("Content-Type", "")
    boundary = kind.partition("boundary=")[2].strip('"')
    if not kind.startswith("multipart/form-data") or not boundary:
        return None
    for part in request.content.split(b"--" + boundary.encode()):
        head, _, body = part.partition(b"\r\n\r\n")
        if b'name="image"' in head:
            data = body.removesuffix(b"\r\n")
            return data if data.startswith(_IMAGE_MAGIC) else None
    return None


def _xml_errors(status: int, errors: list[tuple[int, str]]) -> httpx.Response:
    """The XML error shape (what the webservice answers without ``output_format=JSON``)."""
    root = ET.Element("prestashop", {"xmlns:xlink": "http://www.w3.org/1999/xlink"})
    listed = ET.SubElement(root, "errors")
    for code, message in errors:
        entry = ET.SubElement(listed, "error")
        ET.SubElement(entry, "code").text = str(code)
        ET.SubElement(entry, "message").text = message
    body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
    return httpx.Response(status, content=body, headers={"Content-Type": "text/xml;charset=utf-8"})


def _shown(row: Row) -> Row:
    shown = {k: v for k, v in row.items() if k != "associations"}
    associations = {k: v for k, v in row.get("associations", {}).items() if v}
    if associations:
        shown["associations"] = associations
    return shown


def _written(row: Row) -> Row:
    """A write's answer: the object without its falsy fields, its id as a string."""
    return {**_falsy_dropped(_shown(row)), "id": str(row["id"])}


def _falsy_dropped(row: Row) -> Row:
    return {k: v for k, v in row.items() if v not in ("0", "", None, 0, [], {})}


def _sort_key(value: Any) -> tuple[int, decimal.Decimal | str]:
    try:
        return (0, decimal.Decimal(str(value)))
    except decimal.InvalidOperation:
        return (1, str(value))


def _by(name: str) -> Callable[[Row], tuple[int, decimal.Decimal | str]]:
    def key(row: Row) -> tuple[int, decimal.Decimal | str]:
        return _sort_key(row["id"] if name == "id" else row.get(name))

    return key


def _limited(rows: list[Row], limit: str | None) -> list[Row]:
    if limit is None:
        return rows
    first, _, second = limit.partition(",")
    try:
        if second:
            offset, count = int(first), int(second)
        else:
            offset, count = 0, int(first)
    except ValueError:
        return []
    return rows[offset : offset + count]


def _matches(value: str, spec: str, name: str) -> bool:
    """One ``filter[...]`` value: exact, any of, a range, strict bounds, contains, prefix."""
    if spec.startswith(">[") and spec.endswith("]"):
        return _compare(value, spec[2:-1], name) > 0
    if spec.startswith("<[") and spec.endswith("]"):
        return _compare(value, spec[2:-1], name) < 0
    if spec.startswith("%[") and spec.endswith("]%"):
        return spec[2:-2].casefold() in value.casefold()
    if spec.startswith("[") and spec.endswith("]%"):
        return value.casefold().startswith(spec[1:-2].casefold())
    inner = spec[1:-1] if spec.startswith("[") and spec.endswith("]") else spec
    if "," in inner and "|" not in inner:
        low, _, high = inner.partition(",")
        return _compare(value, low, name) >= 0 and _compare(value, high, name) <= 0
    return any(value.casefold() == option.casefold() for option in inner.split("|"))


def _compare(value: str, bound: str, name: str) -> int:
    if name in _DATE_FIELDS:
        text = bound if len(bound) > 10 else f"{bound} 00:00:00"
        return (value > text) - (value < text)
    left, right = _sort_key(value), _sort_key(bound)
    return (left > right) - (left < right)
