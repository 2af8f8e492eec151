"""A real PostgreSQL for the SQL state store's tests, when one is there.

Where the tests find it (``.ci/services.sh start`` provides both):
``CARTMIGRATE_TEST_POSTGRES_URL`` (a SQLAlchemy URL), else the file
``.services/postgres.url`` in the repository. Without either the PostgreSQL
tests skip, saying so; under ``CI=true`` they fail instead, so CI cannot pass
without having run them. Each test gets its own PostgreSQL schema, dropped
afterwards: tests never see each other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
URL_FILE = REPO_ROOT / ".services" / "postgres.url"


def _configured_url() -> str | None:
    url = os.environ.get("CARTMIGRATE_TEST_POSTGRES_URL", "").strip()
    if not url and URL_FILE.is_file():
        url = URL_FILE.read_text().strip()
    return url or None


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but a service the tests need is missing: {reason}", pytrace=False)
    pytest.skip(f"{reason} (run `bash .ci/services.sh start`)")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The server's URL, checked to answer."""
    url = _configured_url()
    if url is None:
        _unavailable(
            f"no PostgreSQL: CARTMIGRATE_TEST_POSTGRES_URL is not set and {URL_FILE} is absent"
        )
    assert url is not None
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(url)
        with engine.connect() as db:
            db.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as error:
        _unavailable(
            f"PostgreSQL {sa.make_url(url).render_as_string(hide_password=True)} answers: {error}"
        )
    return url


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose tables land in a fresh schema of their own."""
    import sqlalchemy as sa

    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(postgres_server)
    with engine.begin() as db:
        db.execute(sa.text(f"CREATE SCHEMA {schema}"))
    url = sa.make_url(postgres_server).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with engine.begin() as db:
        db.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A Redis for the job-queue test: ``CARTMIGRATE_TEST_REDIS_URL``, else
    ``.services/redis.url``; skips (fails under CI=true) without one."""
    url = os.environ.get("CARTMIGRATE_TEST_REDIS_URL", "").strip()
    file = REPO_ROOT / ".services" / "redis.url"
    if not url and file.is_file():
        url = file.read_text().strip()
    if not url:
        _unavailable(f"no Redis: CARTMIGRATE_TEST_REDIS_URL is not set and {file} is absent")
    try:
        from redis import Redis

        Redis.from_url(url, socket_timeout=5).ping()
    except Exception as error:
        _unavailable(f"Redis at {url.rsplit('@', 1)[-1]} answers: {error}")
    return url
