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

Nothing is left out unsaid: an entity that gets no redirect (not migrated,
gone from the target, no URL on one side, the same path on both) is in
``RedirectMap.skipped`` with the reason. ``write_redirects(engine.target,
redirects)`` writes them through the target's API where it has one
(Shopify's ``urlRedirectCreate``): a redirect already there is matched, not
made twice, and every one that cannot be written is in the result with why.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, Protocol, overload, runtime_checkable

import attrs

from ._exceptions import ConfigurationError
from .models import Category, Entity, Product

if TYPE_CHECKING:
    from .connectors import Cart
    from .engine import SyncEngine

__all__ = [
    "Redirect",
    "RedirectMap",
    "RedirectSkipped",
    "RedirectWriter",
    "RedirectsWritten",
    "default_path",
    "redirect_map",
    "shopify_redirects_csv",
    "write_redirects",
]

Side = Literal["source", "target"]
PathOf = Callable[[str, Entity], str | None]


@attrs.define(frozen=True, kw_only=True)
class Redirect:
    """One permanent redirect: the old path, the new one, and what they show."""

    entity: str
    source_id: str
    old_path: str
    new_path: str


@attrs.define(frozen=True, kw_only=True)
class RedirectSkipped:
    """An entity that got no redirect, or a redirect that was not written, and why."""

    entity: str
    source_id: str
    old_path: str | None
    new_path: str | None
    reason: str


@attrs.define(frozen=True, kw_only=True)
class RedirectMap(Sequence[Redirect]):
    """The redirects (a sequence of ``Redirect``) and every entity left without one."""

    redirects: tuple[Redirect, ...] = ()
    skipped: tuple[RedirectSkipped, ...] = ()

    @overload
    def __getitem__(self, index: int) -> Redirect: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Redirect]: ...
    def __getitem__(self, index: int | slice) -> Redirect | Sequence[Redirect]:
        return self.redirects[index]

    def __len__(self) -> int:
        return len(self.redirects)

    def __iter__(self) -> Iterator[Redirect]:
        return iter(self.redirects)

    def __str__(self) -> str:
        lines = [f"{len(self.redirects)} redirect(s), {len(self.skipped)} entity(ies) without one"]
        lines.extend(f"  skipped {s.entity} {s.source_id}: {s.reason}" for s in self.skipped)
        return "\n".join(lines)


@attrs.define(frozen=True, kw_only=True)
class RedirectsWritten:
    """What ``write_redirects`` did: ``ok`` when nothing failed."""

    created: tuple[Redirect, ...] = ()
    existing: tuple[Redirect, ...] = ()
    failed: tuple[RedirectSkipped, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "created": [attrs.asdict(r) for r in self.created],
            "existing": [attrs.asdict(r) for r in self.existing],
            "failed": [attrs.asdict(r) for r in self.failed],
        }

    def __str__(self) -> str:
        lines = [
            f"redirects: {'ok' if self.ok else 'NOT OK'} — {len(self.created)} created,"
            f" {len(self.existing)} already there, {len(self.failed)} failed"
        ]
        lines.extend(
            f"  failed {f.old_path} -> {f.new_path} ({f.entity} {f.source_id}): {f.reason}"
            for f in self.failed
        )
        return "\n".join(lines)


@runtime_checkable
class RedirectWriter(Protocol):
    """A cart whose platform has an API for redirects (``ShopifyCart``)."""

    def write_redirects(self, redirects: Sequence[Redirect]) -> RedirectsWritten: ...


def write_redirects(target: Cart, redirects: Iterable[Redirect]) -> RedirectsWritten:
    """Write ``redirects`` to ``target`` through its API, on request.

    Idempotent: a redirect already in the store for the same path and target
    is matched (``existing``), not made twice, so running it again after a
    crash or a lost answer is safe. Each one that cannot be written is in
    ``failed`` with the reason (a path already redirected elsewhere, a path
    the platform refuses); nothing is dropped. A cart without such an API
    raises ``ConfigurationError``: import ``shopify_redirects_csv`` instead.
    """
    if not isinstance(target, RedirectWriter):
        raise ConfigurationError(
            f"{target.name} has no API for redirects here: import the CSV"
            " (shopify_redirects_csv) in its admin instead"
        )
    return target.write_redirects(list(redirects))


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
) -> RedirectMap:
    """Old path -> new path for every migrated entity of ``kinds`` whose path changed.

    Reads the migrated entities from both stores (one read of each type on the
    source, one ``get_many`` per batch on the target); writes nothing. Every
    source entity that gets no redirect is in ``skipped`` with the reason.
    """
    redirects: list[Redirect] = []
    skipped: list[RedirectSkipped] = []

    def skip(
        kind: str, sid: str, reason: str, old: str | None = None, new: str | None = None
    ) -> None:
        skipped.append(
            RedirectSkipped(entity=kind, source_id=sid, old_path=old, new_path=new, reason=reason)
        )

    for kind in kinds:
        source_entities = {e.id: e for e in engine.source.read(kind) if e.id is not None}
        records = engine.state.get(kind.kind, sorted(source_entities))
        target_ids: dict[str, str] = {}
        for sid in sorted(source_entities):
            record = records.get(sid)
            if record is None:
                skip(kind.kind, sid, "not migrated yet")
            elif record.status != "synced" or record.target_id is None:
                skip(kind.kind, sid, f"not migrated (state: {record.status})")
            else:
                target_ids[sid] = record.target_id
        on_target: dict[str, Entity] = {}
        ids = sorted(set(target_ids.values()))
        for start in range(0, len(ids), 100):
            on_target.update(engine.target.get_many(kind, ids[start : start + 100]))
        # Categories' paths hold their parents': the ones just read, not a second read.
        source_categories = _categories(source_entities.values()) if kind is Category else {}
        target_categories = _categories(on_target.values()) if kind is Category else {}
        for sid, target_id in sorted(target_ids.items()):
            old, new = source_entities[sid], on_target.get(target_id)
            old_path = _path(paths, "source", engine.source.name, old, source_categories)
            if new is None:
                skip(kind.kind, sid, f"{target_id} is no longer on the target", old_path)
                continue
            new_path = _path(paths, "target", engine.target.name, new, target_categories)
            if not old_path or not new_path:
                side = "source" if not old_path else "target"
                skip(kind.kind, sid, f"no URL on the {side} (no slug/handle)", old_path, new_path)
            elif old_path == new_path:
                skip(
                    kind.kind, sid, "the same path on both stores: none needed", old_path, new_path
                )
            else:
                redirects.append(
                    Redirect(entity=kind.kind, source_id=sid, old_path=old_path, new_path=new_path)
                )
    return RedirectMap(redirects=tuple(redirects), skipped=tuple(skipped))


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
