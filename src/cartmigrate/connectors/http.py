"""The HTTP toolkit for connector authors: a public home for what ``_http`` implements.

Import from here, not from the private module, which may be reorganised:

    from cartmigrate.connectors.http import HttpClient, Secret, set_testing

- ``HttpClient``: httpx with retries (429 honouring ``Retry-After``, 502/503/504,
  transport errors), creates never blindly repeated, 4xx turned into typed errors,
  a ``CostBucket`` throttle, and ``paginate()``.
- ``Secret``: a credential that shows ``'***'`` in every repr, log and exception.
- ``set_testing(backoff=False)``: no retry sleeps, for fast tests.
"""

from __future__ import annotations

from ._http import (
    CostBucket,
    HttpClient,
    RetryPolicy,
    Secret,
    parse_retry_after,
    run_concurrently,
    set_testing,
)

__all__ = [
    "CostBucket",
    "HttpClient",
    "RetryPolicy",
    "Secret",
    "parse_retry_after",
    "run_concurrently",
    "set_testing",
]
