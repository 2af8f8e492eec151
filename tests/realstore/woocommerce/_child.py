"""A migration run in a child process, for the crash tests to ``kill -9`` mid-run.

    python _child.py STATE_DB RECORDS_DIR

Migrates ``crash_store()`` into the real store with an SQLite state, then
prints "done". The test kills it while its order batch is being written.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository, for tests.realstore...

from cartmigrate import MemoryCart, SQLiteStateStore, SyncEngine  # noqa: E402
from tests.realstore._stores import WOOCOMMERCE  # noqa: E402
from tests.realstore.woocommerce._support import crash_store  # noqa: E402
from tests.realstore.woocommerce.conftest import make_real_cart  # noqa: E402


def main() -> None:
    state_path, records = sys.argv[1], sys.argv[2]
    target = make_real_cart(WOOCOMMERCE, email_record_dir=records)
    engine = SyncEngine(MemoryCart(crash_store()), target, state=SQLiteStateStore(state_path))
    engine.full_migrate()
    target.close()
    print("done", flush=True)


if __name__ == "__main__":
    main()
