"""301 redirects from the old store's URLs to the new store's, built from the id map.

After go-live, every link into the old store (search engines, mails, other
sites) must land on the same product or category in the new one. The id map
knows what became what; the two platforms' URL conventions give the paths::

    from cartmigrate.redirects import redirect_map, shopify_redirects_csv

    redirects = redirect_map(engine)                   # products and categories
    Path("redirects.csv").write_text(shopify_redirects_csv(redirects))

The CSV is Shopify's URL redirect import format (Online Store > Navigation >
URL Redirects > Import: ``Redirect from,Redirect to``). Platforms whose paths
are not known here (or a store with custom permalinks) take ``paths=``: a
function from (platform side, entity) to its path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from ._exceptions import ConfigurationError
from .models import Category, Entity, Product

if TYPE_CHECKING:
    from .engine import SyncEngine

__all__ = ["Redirect", "default_path", "redirect_map", "shopify_redirects_csv"]

Side = Literal["source", "target"]
PathOf = Callable[[str, Entity], str | None]


@attrs.define(frozen=True, kw_only=True)
class Redirect:
    """One permanent redirect: the old path, the new one, and what they show."""

    entity: str
    source_id: str
    old_path: str
    new_path: str


def _category_chain(category: Category, by_id: dict[str, Category]) -> list[str]:
    chain = [category.slug or ""]
    seen = {category.id}
    parent = by_id.get(category.parent_id or "")
    while parent is not None and parent.id not in seen:
        seen.add(parent.id)
        chain.insert(0, parent.slug or "")
        parent = by_id.get(parent.parent_id or "")
    return chain


def default_path(platform: str, entity: Entity, categories: dict[str, Category]) -> str | None:
    """The storefront path of ``entity`` on ``platform`` with default permalinks."""
    slug = getattr(entity, "slug", None)
    if not slug:
        return None
    if platform == "woocommerce":
        if isinstance(entity, Product):
            return f"/product/{slug}/"
        if isinstance(entity, Category):
            return "/product-category/" + "/".join(_category_chain(entity, categories)) + "/"
    if platform == "shopify":
        if isinstance(entity, Product):
            return f"/products/{slug}"
        if isinstance(entity, Category):
            return f"/collections/{slug}"
    raise ConfigurationError(
        f"no URL convention for {platform!r} {entity.kind} entities: pass"
        " redirect_map(engine, paths=lambda side, entity: ...)"
    )


def redirect_map(
    engine: SyncEngine,
    *,
    kinds: Sequence[type[Product] | type[Category]] = (Category, Product),
    paths: PathOf | None = None,
) -> list[Redirect]:
    """Old path -> new path for every migrated entity of ``kinds`` whose path changed.

    Reads the migrated entities from both stores (one read of each type on the
    source, one ``get_many`` per batch on the target); writes nothing.
    """
    redirects: list[Redirect] = []
    for kind in kinds:
        source_entities = {e.id: e for e in engine.source.read(kind) if e.id is not None}
        records = engine.state.get(kind.kind, sorted(source_entities))
        target_ids = {
            sid: r.target_id
            for sid, r in records.items()
            if r.status == "synced" and r.target_id is not None
        }
        on_target: dict[str, Entity] = {}
        ids = sorted(set(target_ids.values()))
        for start in range(0, len(ids), 100):
            on_target.update(engine.target.get_many(kind, ids[start : start + 100]))
        # Categories' paths hold their parents': the ones just read, not a second read.
        source_categories = _categories(source_entities.values()) if kind is Category else {}
        target_categories = _categories(on_target.values()) if kind is Category else {}
        for sid, target_id in sorted(target_ids.items()):
            old, new = source_entities[sid], on_target.get(target_id)
            if new is None:
                continue
            old_path = _path(paths, "source", engine.source.name, old, source_categories)
            new_path = _path(paths, "target", engine.target.name, new, target_categories)
            if old_path and new_path and old_path != new_path:
                redirects.append(
                    Redirect(entity=kind.kind, source_id=sid, old_path=old_path, new_path=new_path)
                )
    return redirects


def _categories(entities: Iterable[Entity]) -> dict[str, Category]:
    return {e.id: e for e in entities if isinstance(e, Category) and e.id is not None}


def _path(
    paths: PathOf | None,
    side: Side,
    platform: str,
    entity: Entity,
    categories: dict[str, Category],
) -> str | None:
    if paths is not None:
        return paths(side, entity)
    return default_path(platform, entity, categories)


def shopify_redirects_csv(redirects: Iterable[Redirect]) -> str:
    """Shopify's URL redirect import file: ``Redirect from,Redirect to``, one row each."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["Redirect from", "Redirect to"])
    for redirect in redirects:
        writer.writerow([redirect.old_path, redirect.new_path])
    return buffer.getvalue()
