"""Writing 301 redirects through ``urlRedirectCreate``, on request.

Idempotent by the redirect's path, which Shopify keeps unique: the shop's
redirects are listed first (a listing, not a search, so a redirect made a
moment ago is seen), one already there with the same target is matched, not
made again, and one there with another target is reported, not replaced.
A create whose answer was lost is sent again; "taken" on its path then
means the first one landed. Whatever cannot be written is in the result
with Shopify's reason: nothing is dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from ..._exceptions import CartMigrateError, WriteOutcomeUnknown
from ...redirects import Redirect, RedirectSkipped, RedirectsWritten
from . import _graphql as docs
from ._preflight import REDIRECT_SCOPE, Preflight

__all__ = ["Redirects"]

logger = logging.getLogger("cartmigrate.shopify")

_PAGE = 250
#: A create whose answer is lost is sent this many times in all.
_ATTEMPTS = 3


def _key(path: str) -> str:
    # Shopify matches redirect paths without regard to case or a trailing slash.
    return path.rstrip("/").casefold() or "/"


class Redirects(Preflight):
    """``write_redirects`` for ``cartmigrate.redirects.write_redirects``."""

    def existing_redirects(self) -> dict[str, tuple[str, str]]:
        """Every redirect in the shop: path key -> (path, target)."""
        found: dict[str, tuple[str, str]] = {}
        for node in self.pages("UrlRedirects", docs.URL_REDIRECTS, "urlRedirects", _PAGE, None):
            found[_key(str(node["path"]))] = (str(node["path"]), str(node["target"]))
        return found

    def write_redirects(self, redirects: Sequence[Redirect]) -> RedirectsWritten:
        created: list[Redirect] = []
        existing: list[Redirect] = []
        failed: list[RedirectSkipped] = []

        def fail(redirect: Redirect, reason: str) -> None:
            failed.append(
                RedirectSkipped(
                    entity=redirect.entity,
                    source_id=redirect.source_id,
                    old_path=redirect.old_path,
                    new_path=redirect.new_path,
                    reason=reason,
                )
            )

        try:
            lacking = REDIRECT_SCOPE not in self.granted_scopes
            there = {} if lacking else self.existing_redirects()
        except CartMigrateError as error:
            for redirect in redirects:
                fail(redirect, f"the shop's redirects could not be listed: {error}")
            return RedirectsWritten(failed=tuple(failed))
        if lacking:
            for redirect in redirects:
                fail(redirect, f"the app lacks the scope {REDIRECT_SCOPE}; grant it to write them")
            return RedirectsWritten(failed=tuple(failed))
        for redirect in redirects:
            key = _key(redirect.old_path)
            if key in there:
                _, target = there[key]
                if target == redirect.new_path:
                    existing.append(redirect)
                else:
                    fail(redirect, f"the path already redirects to {target}; not replaced")
                continue
            try:
                outcome = self._create_redirect(redirect)
            except CartMigrateError as error:
                fail(redirect, str(error))
                continue
            there[key] = (redirect.old_path, redirect.new_path)
            (created if outcome else existing).append(redirect)
        return RedirectsWritten(
            created=tuple(created), existing=tuple(existing), failed=tuple(failed)
        )

    def _create_redirect(self, redirect: Redirect) -> bool:
        """True when this call made it; False when a lost first answer had made it."""
        variables = {"urlRedirect": {"path": redirect.old_path, "target": redirect.new_path}}
        lost = False
        for attempt in range(_ATTEMPTS):
            try:
                data = self.graphql.execute(
                    "UrlRedirectCreate", docs.URL_REDIRECT_CREATE, variables, mutation=True
                )
            except WriteOutcomeUnknown:
                if attempt == _ATTEMPTS - 1:
                    raise
                lost = True
                logger.info("shopify urlRedirectCreate: the answer was lost; sending it again")
                continue
            payload = data.get("urlRedirectCreate") or {}
            errors = payload.get("userErrors") or []
            if not errors:
                return True
            message = "; ".join(str(e.get("message")) for e in errors)
            taken = any("taken" in str(e.get("message")).lower() for e in errors)
            if not taken:
                raise self.user_error("redirect", "UrlRedirectCreate", errors[0])
            if lost:
                return False  # the first create landed before its answer was lost
            raise _Taken(f"shopify: a redirect for {redirect.old_path} exists already ({message})")
        raise AssertionError("unreachable")  # pragma: no cover


class _Taken(CartMigrateError):
    """A redirect for the path appeared after the listing (another admin, another run)."""
