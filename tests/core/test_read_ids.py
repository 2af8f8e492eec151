"""The ids a read returned: exact as a set of str, whatever the ids look like."""

from __future__ import annotations

import random

from cartmigrate.engine._read_ids import PlainIds, ReadIds


def _ids(rng: random.Random) -> list[str]:
    shapes = [
        lambda: str(rng.randrange(10**6)),
        lambda: f"o{rng.randrange(20_000)}",
        lambda: f"p{rng.randrange(500)}-v{rng.randrange(4)}",
        lambda: "0" * rng.randrange(1, 3) + str(rng.randrange(100)),  # leading zeros
        lambda: f"x{rng.randrange(10**20)}",  # too long for 64 bits
        lambda: rng.choice(["", "0", "-5", "a", "1.5", "١٢", "gid://shopify/Product/7"]),
    ]
    return [rng.choice(shapes)() for _ in range(30_000)]


def test_read_ids_answer_as_a_set_of_str() -> None:
    rng = random.Random(14)
    ids = _ids(rng)
    kept, expected = ReadIds(), set[str]()
    for n, source_id in enumerate(ids):
        assert (source_id in kept) == (source_id in expected), source_id
        if n % 2:
            kept.add(source_id)
        else:  # as the engine asks: added, and whether it was new
            assert kept.first(source_id) == (source_id not in expected), source_id
        expected.add(source_id)
    probes = _ids(random.Random(15))
    assert [p in kept for p in probes] == [p in expected for p in probes]
    # "o7" and "o07", "7" and "07": distinct ids, never taken for each other.
    assert ("o07" in kept) == ("o07" in expected)
    assert 7 not in kept


def test_read_ids_stay_exact_across_merges() -> None:
    """Enough ids out of order for the new ones to be merged into the array
    several times (and in order, to be appended), each found again once."""
    rng = random.Random(7)
    ids = [f"o{i}" for i in range(0, 60_000, 3)]
    rng.shuffle(ids)
    ids = [f"o{i}" for i in range(60_000, 70_000)] + ids  # in order first, then not
    kept = ReadIds()
    assert all(kept.first(i) for i in ids)
    assert not any(kept.first(i) for i in ids)
    assert not any(f"o{i}" in kept for i in range(1, 60_000, 3))
    assert "o70000" not in kept and "o069999" not in kept


def test_plain_ids_say_whether_an_id_is_new() -> None:
    kept = PlainIds()
    assert [kept.first(i) for i in ("a", "1", "a", "01", "1")] == [True, True, False, True, False]
    assert "a" in kept and "2" not in kept
