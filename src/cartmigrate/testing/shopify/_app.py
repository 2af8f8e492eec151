"""The app's view of the shop, and URL redirects, in the simulator.

- ``currentAppInstallation.accessScopes``: the scopes the app was granted
  (``access_scopes``; by default every scope the connector can use);
- ``publicApiVersions``: the versions the simulator serves, retired ones
  left out (a request to a retired version is answered by the oldest
  supported one, as Shopify does, with that version in
  ``X-Shopify-API-Version``);
- ``urlRedirects`` and ``urlRedirectCreate``: paths are unique (regardless
  of case and a trailing slash), a path must start with "/", and a path may
  not redirect to itself; answered with ``userErrors`` as Shopify words them.
  Both need the ``read_``/``write_online_store_navigation`` scope:
  ``ACCESS_DENIED`` without it, as Shopify answers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

import graphql

from ._records import UserError, gid
from ._search import page

__all__ = ["ALL_SCOPES", "AppState"]

#: Every scope the connector asks for: the simulator's default grant.
ALL_SCOPES: tuple[str, ...] = (
    "read_products",
    "write_products",
    "read_inventory",
    "write_inventory",
    "read_locations",
    "read_customers",
    "write_customers",
    "read_orders",
    "write_orders",
    "read_all_orders",
    "write_merchant_managed_fulfillment_orders",
    "read_online_store_navigation",
    "write_online_store_navigation",
)


def _key(path: str) -> str:
    return path.rstrip("/").casefold() or "/"


class AppState:
    """Scopes, versions and redirects of one simulated shop."""

    def __init__(
        self,
        *,
        scopes: Iterable[str],
        versions: Callable[[], Iterable[str]],
        retired: Callable[[], Iterable[str]],
        new_id: Callable[[], int],
    ) -> None:
        self.scopes = list(scopes)
        self._versions = versions
        self._retired = retired
        self._new_id = new_id
        self.redirects: dict[int, dict[str, str]] = {}

    def query_fields(self) -> dict[str, Any]:
        def installation(info: Any) -> dict[str, Any]:
            return {
                "id": gid("AppInstallation", 1),
                "accessScopes": [
                    {"handle": s, "description": f"simulated {s}"} for s in self.scopes
                ],
            }

        def versions(info: Any) -> list[dict[str, Any]]:
            retired = set(self._retired())
            listed = [v for v in sorted(self._versions()) if v not in retired]
            return [{"handle": v, "displayName": v, "supported": v != "unstable"} for v in listed]

        def redirects(
            info: Any, first: int | None = None, after: str | None = None, **_: Any
        ) -> Any:
            self.require("read_online_store_navigation")
            return page(
                [(n, {"id": gid("UrlRedirect", n), **r}) for n, r in self.redirects.items()],
                first=first,
                after=after,
            )

        return {
            "currentAppInstallation": installation,
            "publicApiVersions": versions,
            "urlRedirects": redirects,
        }

    def mutation_fields(self) -> dict[str, Any]:
        def create(info: Any, urlRedirect: Mapping[str, Any]) -> dict[str, Any]:
            self.require("write_online_store_navigation")
            try:
                return {**self.create(urlRedirect), "userErrors": []}
            except UserError as error:
                return {"urlRedirect": None, "userErrors": [error.as_dict()]}

        return {"urlRedirectCreate": create}

    def require(self, scope: str) -> None:
        """Refuse as Shopify does when the app lacks ``scope`` (a write scope grants
        its read scope)."""
        action, _, resource = scope.partition("_")
        if scope in self.scopes or (action == "read" and f"write_{resource}" in self.scopes):
            return
        raise graphql.GraphQLError(
            f"Access denied for this field. Required access: `{scope}` access scope.",
            extensions={"code": "ACCESS_DENIED"},
        )

    def served(self, requested: str) -> str:
        """The version that answers a request to ``requested``: a retired one is
        answered by the oldest supported version."""
        retired = set(self._retired())
        if requested not in retired:
            return requested
        supported = sorted(v for v in self._versions() if v not in retired and v != "unstable")
        return supported[0] if supported else requested

    def create(self, urlRedirect: Mapping[str, Any]) -> dict[str, Any]:
        path = str(urlRedirect.get("path") or "")
        target = str(urlRedirect.get("target") or "")
        if not path.startswith("/"):
            raise UserError(["path"], "Path must start with /", "CREATE_FAILED")
        if not target:
            raise UserError(["target"], "Target can't be blank", "CREATE_FAILED")
        if _key(path) == _key(target):
            raise UserError(["target"], "Target can't be the same as path", "CREATE_FAILED")
        if any(_key(r["path"]) == _key(path) for r in self.redirects.values()):
            raise UserError(["path"], "Path has already been taken", "CREATE_FAILED")
        number = self._new_id()
        self.redirects[number] = {"path": path, "target": target}
        return {"urlRedirect": {"id": gid("UrlRedirect", number), "path": path, "target": target}}
