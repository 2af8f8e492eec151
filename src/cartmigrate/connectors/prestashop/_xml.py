"""The XML bodies the webservice takes, built with ``xml.etree`` (never by pasting strings).

The webservice reads XML only (a JSON body is a 500 "parser error"). A body
is ``<prestashop><product>...</product></prestashop>``; a multilingual field
carries one ``<language id="N">`` per language of the shop (sending only the
first language of several made the store answer 500 although it saved the
object), and associations are nested lists of ``<id>`` rows. Building the tree
with the standard library escapes every value, so a name holding ``<`` or
``]]>`` cannot break out of its element.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

__all__ = ["Assoc", "Lang", "xml_body"]


@attrs.define(frozen=True)
class Lang:
    """A multilingual value: the same text in every language of the shop."""

    value: str


@attrs.define(frozen=True)
class Assoc:
    """An association list: ``<categories><category><id>2</id></category>...``."""

    item: str
    rows: Sequence[Mapping[str, Any]]


def _put(parent: ET.Element, key: str, value: Any, languages: Sequence[int]) -> None:
    node = ET.SubElement(parent, key)
    if isinstance(value, Lang):
        for language in languages:
            entry = ET.SubElement(node, "language", {"id": str(language)})
            entry.text = value.value
    elif isinstance(value, Assoc):
        node.set("nodeType", value.item)
        node.set("api", key)
        for row in value.rows:
            item = ET.SubElement(node, value.item)
            for name, cell in row.items():
                ET.SubElement(item, name).text = str(cell)
    elif isinstance(value, Mapping):
        for name, inner in value.items():
            _put(node, name, inner, languages)
    elif value is not None:
        node.text = str(value)


def xml_body(resource: str, fields: Mapping[str, Any], *, languages: Sequence[int]) -> bytes:
    """``<prestashop><resource>fields</resource></prestashop>`` as UTF-8 bytes."""
    root = ET.Element("prestashop", {"xmlns:xlink": "http://www.w3.org/1999/xlink"})
    entity = ET.SubElement(root, resource)
    for key, value in fields.items():
        _put(entity, key, value, languages)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body
