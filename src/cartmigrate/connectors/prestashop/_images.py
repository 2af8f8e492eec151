"""Product images, uploaded: fetched from where the source serves them, posted as files.

The webservice takes an image only as a multipart upload (``POST
/api/images/products/{id}``, field ``image``); it answers with the image
itself and no id. Fetching uses a client of its own, without the shop's key:
an image URL points anywhere, and the key must never travel there.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence

import httpx

from ..._exceptions import EntityRejected
from .._http import HttpClient

__all__ = ["ImageUploader"]

_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
#: Larger than any product photo a shop serves; a bound on what is held in memory.
_MAX_BYTES = 20 * 1024 * 1024


class ImageUploader:
    def __init__(self, http: HttpClient, fetch: httpx.Client) -> None:
        self._http = http
        self._fetch = fetch

    def _download(self, url: str) -> tuple[bytes, str]:
        try:
            response = self._fetch.get(url)
        except httpx.HTTPError as error:
            raise EntityRejected(
                f"prestashop: image {url} could not be fetched: {type(error).__name__}",
                entity="product",
                field="images",
            ) from None
        kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if kind not in _TYPES:
            kind = mimetypes.guess_type(url)[0] or ""
        if response.status_code != 200 or kind not in _TYPES or len(response.content) > _MAX_BYTES:
            raise EntityRejected(
                f"prestashop: image {url} answered {response.status_code} ({kind or 'no type'}),"
                " not an image PrestaShop takes (jpeg, png, gif, webp)",
                entity="product",
                field="images",
            )
        return response.content, kind

    def upload(self, product_id: str, urls: Sequence[str]) -> None:
        """Each image in order (the first becomes the cover)."""
        for position, url in enumerate(urls):
            data, kind = self._download(url)
            extension = (mimetypes.guess_extension(kind) or ".jpg").lstrip(".")
            request = httpx.Request(
                "POST",
                "http://upload.invalid/",
                files={"image": (f"image-{position + 1}.{extension}", data, kind)},
            )
            body = request.read()
            self._http.request(
                "POST",
                f"images/products/{product_id}",
                content=body,
                headers={"Content-Type": request.headers["Content-Type"]},
                expect_json=False,  # the answer is the image itself
            )
