"""Item 10: a server echoing the request never gets a credential shown anywhere.

Every failure mode (401, 400 plain and in WooCommerce's JSON error shape,
500, 502, a 200 HTML page) echoes the whole request: the ``Authorization``
header, the decoded Basic credentials, the Shopify token, URL-encoded copies.
Then every surface is searched for every form of every secret: exception
messages (chained ones too) and tracebacks, log lines (DEBUG and up),
str/repr/HTML of reports and their failures, the SQLite state file, stderr.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest

from cartmigrate import (
    CartMigrateError,
    Customer,
    MemoryCart,
    Product,
    SQLiteStateStore,
    SyncEngine,
)
from cartmigrate._redact import LOGGERS, register_secret, scrub
from cartmigrate.connectors._http import HttpClient, Secret
from cartmigrate.connectors.shopify import ShopifyCart
from cartmigrate.connectors.woocommerce import WooCommerceCart
from cartmigrate.testing import FakeClock, generate_store
from cartmigrate.testing.shopify import ShopifySimulator, load_schema
from cartmigrate.testing.woocommerce import WooCommerceSimulator

from ._echo import MODES, echoing, exception_texts, leaks, report_texts, secret_forms

# Characters that change when URL-encoded or JSON-escaped, so every form differs.
KEY = "ck_adversity/0123456789+key"
SECRET = 'cs_adv=secret 9876&more"quoted'
TOKEN = "shpat_adversity_token_5f3c2a"
WOO_FORMS = secret_forms(KEY, SECRET, basic=(KEY, SECRET))
SHOPIFY_FORMS = secret_forms(TOKEN)


def _store() -> MemoryCart:
    return MemoryCart(
        generate_store(
            seed=5, products=6, customers=5, orders=6, categories=3, manufacturers=2, reviews=3
        )
    )


def _woo(sim: WooCommerceSimulator, transport: httpx.BaseTransport) -> WooCommerceCart:
    return WooCommerceCart(
        "https://shop.example",
        KEY,
        SECRET,
        transport=transport,
        clock=sim.clock.monotonic,
        sleep=sim.clock.sleep,
        requests_per_second=1000.0,
        burst=1000.0,
    )


def _state_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _check_everything(
    forms: list[str],
    reports: list[Any],
    errors: list[BaseException],
    caplog: pytest.LogCaptureFixture,
    state_file: Path,
    captured: pytest.CaptureFixture[str],
) -> None:
    texts: list[str] = []
    for report in reports:
        texts += report_texts(report)
    for error in errors:
        texts += exception_texts(error)
    texts += [caplog.text, *(r.getMessage() for r in caplog.records)]
    out = captured.readouterr()
    texts += [out.out, out.err]
    raw = _state_bytes(state_file)
    texts.append(raw.decode("utf-8", "replace"))
    assert not leaks(texts, forms)


@pytest.mark.parametrize("mode", MODES)
def test_woocommerce_echoing_server_shows_no_credential(
    mode: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    logging.getLogger().addHandler(handler)
    try:
        sim = WooCommerceSimulator(consumer_key=KEY, consumer_secret=SECRET, clock=FakeClock())
        state_file = tmp_path / "state.db"
        reports = []
        errors: list[BaseException] = []
        # As a target: creates, look-ups and updates answered by echoes.
        target = _woo(sim, echoing(sim.handle, mode, [KEY, SECRET], rate=0.4, seed=1))
        engine = SyncEngine(_store(), target, state=SQLiteStateStore(state_file))
        reports.append(engine.full_migrate())
        reports.append(engine.smart_update(verify=True))
        # As a source: reads answered by echoes.
        source = _woo(sim, echoing(sim.handle, mode, [KEY, SECRET], rate=0.4, seed=2))
        reader = SyncEngine(source, MemoryCart(), state=SQLiteStateStore(tmp_path / "read.db"))
        reports.append(reader.full_migrate())
        # And directly: what a user calling the cart sees.
        always = _woo(sim, echoing(sim.handle, mode, [KEY, SECRET], rate=1.0, seed=3))
        for call in (
            lambda: list(always.read(Product)),
            lambda: always.get(Customer, "1"),
            lambda: always.create(Customer(email="a@example.com")),
        ):
            try:
                call()
            except CartMigrateError as error:
                errors.append(error)
        assert errors, "every call was answered by an echo: each must fail"
        assert any(not report.ok for report in reports), "the echoes must show as failures"
        _check_everything(WOO_FORMS, reports, errors, caplog, state_file, capsys)
        assert not leaks([_state_bytes(tmp_path / "read.db").decode("utf-8", "replace")], WOO_FORMS)
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.fixture(scope="module")
def schema(shared_dir: Path) -> graphql.GraphQLSchema:
    return load_schema(shared_dir / "specs" / "shopify" / "admin_schema_2026-01_public.graphql.gz")


def _shopify(transport: httpx.BaseTransport) -> ShopifyCart:
    return ShopifyCart("adversity", TOKEN, transport=transport, max_concurrency=1)


@pytest.mark.parametrize("mode", MODES)
def test_shopify_echoing_server_shows_no_token(
    mode: str,
    schema: graphql.GraphQLSchema,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    logging.getLogger().addHandler(handler)
    try:
        sim = ShopifySimulator(
            schema=schema, clock=FakeClock(), access_token=TOKEN, shop="adversity"
        )
        state_file = tmp_path / "state.db"
        target = _shopify(echoing(sim.handle, mode, [TOKEN], rate=0.3, seed=4))
        engine = SyncEngine(_store(), target, state=SQLiteStateStore(state_file))
        reports = [engine.full_migrate(), engine.smart_update(verify=True)]
        source = _shopify(echoing(sim.handle, mode, [TOKEN], rate=0.3, seed=5))
        reports.append(
            SyncEngine(
                source, MemoryCart(), state=SQLiteStateStore(tmp_path / "r.db")
            ).full_migrate()
        )
        always = _shopify(echoing(sim.handle, mode, [TOKEN], rate=1.0, seed=6))
        errors: list[BaseException] = []
        for call in (lambda: list(always.read(Product)), lambda: always.get(Product, "1")):
            try:
                call()
            except CartMigrateError as error:
                errors.append(error)
        assert errors
        assert any(not report.ok for report in reports)
        _check_everything(SHOPIFY_FORMS, reports, errors, caplog, state_file, capsys)
    finally:
        logging.getLogger().removeHandler(handler)


def test_every_library_logger_is_scrubbed() -> None:
    """A new ``cartmigrate.*`` logger not in ``LOGGERS`` would log unscrubbed."""
    # Importing the connectors (done above) created their loggers; the
    # progress adapter's is made here, whichever test ran first.
    from cartmigrate.progress import LoggingProgress

    LoggingProgress()

    names = [
        name
        for name in logging.root.manager.loggerDict
        if name == "cartmigrate" or name.startswith("cartmigrate.")
    ]
    assert names
    missing = [name for name in names if name not in LOGGERS]
    assert not missing


def test_scrub_hides_every_form_and_keeps_the_rest() -> None:
    register_secret("pa$$ word/42")
    text = (
        "Authorization: Basic dXNlcjpwYSQkIHdvcmQvNDI= then pa%24%24%20word%2F42"
        " and pa%24%24+word%2F42 and pa$$ word/42 ok"
    )
    cleaned = scrub(text)
    assert "pa$$" not in cleaned and "dXNlcjpw" not in cleaned and "%24%24" not in cleaned
    assert cleaned.startswith("Authorization: Basic ***") and cleaned.endswith(" ok")
    assert repr(Secret("another-one")) == "Secret('***')"
    assert scrub("nothing secret here 12345678") == "nothing secret here 12345678"


def test_a_chained_foreign_exception_is_scrubbed() -> None:
    """httpx's own error (raised by a transport that quotes the credential) is
    chained to the library's; its message is scrubbed too."""
    secret = Secret("chained-secret-value")

    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError(f"peer said: bad key {secret.reveal()}")

    client = HttpClient("https://x.example", platform="t", transport=httpx.MockTransport(fail))
    with pytest.raises(CartMigrateError) as caught:
        client.request("POST", "items", json={})
    assert not leaks(exception_texts(caught.value), ["chained-secret-value"])


def test_stderr_of_a_child_process_shows_no_credential(tmp_path: Path) -> None:
    """A real process logging to stderr at DEBUG, with an uncaught error at the
    end: its whole stderr holds no form of the credentials."""
    script = textwrap.dedent(
        f"""
        import logging, sys
        import httpx
        from cartmigrate import MemoryCart, SQLiteStateStore, SyncEngine, Product
        from cartmigrate.connectors.woocommerce import WooCommerceCart
        from cartmigrate.testing import FakeClock, generate_store
        from cartmigrate.testing.woocommerce import WooCommerceSimulator
        sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
        from _echo import echoing
        logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)
        key, secret = {KEY!r}, {SECRET!r}
        sim = WooCommerceSimulator(consumer_key=key, consumer_secret=secret, clock=FakeClock())
        cart = WooCommerceCart("https://shop.example", key, secret,
            transport=echoing(sim.handle, "400-json", [key, secret], rate=0.5, seed=7),
            clock=sim.clock.monotonic, sleep=sim.clock.sleep,
            requests_per_second=1000.0, burst=1000.0)
        store = MemoryCart(generate_store(seed=1, products=4, customers=3, orders=3,
            categories=2, manufacturers=1, reviews=1))
        state = SQLiteStateStore({str(tmp_path / "s.db")!r})
        report = SyncEngine(store, cart, state=state).full_migrate()
        print(report, file=sys.stderr)
        always = WooCommerceCart("https://shop.example", key, secret,
            transport=echoing(sim.handle, "401", [key, secret], rate=1.0, seed=8),
            clock=sim.clock.monotonic, sleep=sim.clock.sleep)
        list(always.read(Product))  # raises, uncaught: the traceback goes to stderr
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "AuthenticationError" in done.stderr
    assert not leaks([done.stderr, done.stdout], WOO_FORMS)


@pytest.mark.parametrize("status", [400, 401, 404, 500])
def test_a_long_echo_is_scrubbed_before_it_is_cut(status: int) -> None:
    """Messages keep the first few hundred characters of a body: cut first and
    scrubbed after, the credential cut in half would no longer be recognised."""
    key, secret = "ck_truncation_key_0123456789", "cs_truncation_secret_9876543210"
    Secret(key), Secret(secret)
    forms = secret_forms(key, secret, basic=(key, secret))

    def echo(request: httpx.Request) -> httpx.Response:
        padding = "x" * (300 - len("Authorization: Basic ") - 10)
        return httpx.Response(
            status, text=f"{padding} Authorization: {request.headers['Authorization']}"
        )

    client = HttpClient(
        "https://x.example",
        platform="t",
        auth=httpx.BasicAuth(key, secret),
        transport=httpx.MockTransport(echo),
    )
    with pytest.raises(CartMigrateError) as caught:
        client.request("GET", "items")
    texts = exception_texts(caught.value)
    assert "Basic ***" in texts[0] or "Basic" not in texts[0]
    prefixes = [form[:12] for form in forms]
    assert not leaks(texts, prefixes)


PS_KEY = "PSADVERSITY/0123456789+KEY=quoted"
MAGENTO_TOKEN = "mage_adversity/token+5f3c&x=1"


def _echoed_migrations(
    make: Any, handle: Any, secret: str, tmp_path: Path, mode: str
) -> tuple[list[Any], list[BaseException], Path]:
    """A migration into and out of a store answering echoes, and direct calls."""
    state_file = tmp_path / "state.db"
    target = make(echoing(handle, mode, [secret], rate=0.3, seed=7))
    engine = SyncEngine(_store(), target, state=SQLiteStateStore(state_file))
    reports = [engine.full_migrate(), engine.smart_update(verify=True)]
    source = make(echoing(handle, mode, [secret], rate=0.3, seed=8))
    reader = SyncEngine(source, MemoryCart(), state=SQLiteStateStore(tmp_path / "r.db"))
    reports.append(reader.full_migrate())
    always = make(echoing(handle, mode, [secret], rate=1.0, seed=9))
    errors: list[BaseException] = []
    for call in (
        lambda: list(always.read(Product)),
        lambda: always.get(Customer, "1"),
        lambda: always.create(Customer(email="a@example.com")),
        lambda: always.check_access(),
    ):
        try:
            call()
        except CartMigrateError as error:
            errors.append(error)
    assert errors, "every call was answered by an echo: some must fail"
    assert any(not report.ok for report in reports)
    texts: list[str] = []
    for name in ("state.db", "r.db"):
        texts.append(_state_bytes(tmp_path / name).decode("utf-8", "replace"))
    assert not leaks(texts, secret_forms(secret))
    return reports, errors, state_file


@pytest.mark.parametrize("mode", MODES)
def test_prestashop_echoing_server_shows_no_key(
    mode: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cartmigrate.connectors.http import RetryPolicy
    from cartmigrate.connectors.prestashop import PrestaShopCart
    from cartmigrate.testing.prestashop import PrestaShopSimulator

    caplog.set_level(logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    logging.getLogger().addHandler(handler)
    try:
        sim = PrestaShopSimulator(key=PS_KEY, clock=FakeClock().now)

        def make(transport: httpx.BaseTransport) -> PrestaShopCart:
            return PrestaShopCart(
                sim.url,
                PS_KEY,
                transport=transport,
                requests_per_second=1e6,
                burst=1e6,
                retry=RetryPolicy(initial=0.0, jitter=0.0),
                max_concurrency=1,
            )

        reports, errors, state_file = _echoed_migrations(make, sim.handle, PS_KEY, tmp_path, mode)
        forms = secret_forms(PS_KEY, basic=(PS_KEY, ""))
        _check_everything(forms, reports, errors, caplog, state_file, capsys)
    finally:
        logging.getLogger().removeHandler(handler)


@pytest.mark.parametrize("mode", MODES)
def test_magento_echoing_server_shows_no_token(
    mode: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cartmigrate.connectors.http import RetryPolicy
    from cartmigrate.connectors.magento import MagentoCart
    from cartmigrate.testing.magento import MagentoSimulator

    caplog.set_level(logging.DEBUG)
    handler = logging.StreamHandler(sys.stderr)
    logging.getLogger().addHandler(handler)
    try:
        sim = MagentoSimulator(token=MAGENTO_TOKEN, clock=FakeClock().now)
        handle = sim.transport.handler  # type: ignore[attr-defined]

        def make(transport: httpx.BaseTransport) -> MagentoCart:
            return MagentoCart(
                sim.url,
                MAGENTO_TOKEN,
                transport=transport,
                retry=RetryPolicy(initial=0.0, jitter=0.0),
                max_concurrency=1,
            )

        reports, errors, state_file = _echoed_migrations(
            make, handle, MAGENTO_TOKEN, tmp_path, mode
        )
        _check_everything(secret_forms(MAGENTO_TOKEN), reports, errors, caplog, state_file, capsys)
    finally:
        logging.getLogger().removeHandler(handler)
