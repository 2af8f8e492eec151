"""Bundles and downloadable products read from the real Magento 2.4.7 store.
The scenario is the offline tests' (``tests/magento/_partial_types.py``)."""

from __future__ import annotations

import subprocess
from typing import Any

from tests.magento._partial_types import DOMAIN, partial_types_read

from .._stores import RealStore
from .conftest import Raw


def test_bundles_and_downloads_are_read_as_far_as_the_models_hold_them(
    real_magento: RealStore, raw: Raw, make_cart: Any
) -> None:
    real_magento.reset()
    # A download's URL must be on a listed host (env.php, which a reset keeps;
    # adding one twice is a no-op). An IP address is refused whatever the list.
    subprocess.run(
        ["php", "bin/magento", "downloadable:domains:add", DOMAIN],
        cwd=real_magento.home / "magento",
        check=True,
        capture_output=True,
        timeout=120,
    )
    partial_types_read(make_cart(), lambda product: raw.post("products", {"product": product}))
