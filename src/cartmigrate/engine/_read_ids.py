"""The ids one read of a type returned, kept exactly and compactly.

A source that repeats a record (offset paging over a store that changes
while it is read) must still have it synced once, so every id a read
returned is remembered until the type is done: at a million orders, a set of
``str`` holds about 60 bytes per id. Most platforms' ids are numbers, or a
fixed prefix and a number (``"o123"``), so such an id is kept as that number,
8 bytes, in a sorted ``array`` per prefix. New numbers wait in a small set
that is merged into the array once it holds a quarter of it (so each number
is merged a handful of times); a number larger than any before is appended
at once, so a read in id order costs a comparison per id. Any other
id (``"007"``, a UUID) is kept as it is. Exact either way: an id is found
again only if it was added.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left

__all__ = ["PlainIds", "ReadIds"]

_DIGITS = "0123456789"
#: Numbers of up to 18 digits fit a signed 64-bit array item.
_MAX_DIGITS = 18
_FIRST_MERGE = 4096


class _Numbers:
    __slots__ = ("new", "sorted", "top")

    def __init__(self) -> None:
        self.sorted: array[int] = array("q")
        self.new: set[int] = set()
        #: The largest number added: a larger one is new, and appended in order.
        self.top = -1

    def merge(self) -> None:
        """The new numbers into the array. A read in id order only appends;
        otherwise the two sorted runs are merged into a new array item by
        item, never through a list of the whole (36 bytes per number)."""
        new, found = sorted(self.new), self.sorted
        if not found or new[0] > found[-1]:
            found.extend(new)
        else:
            self.sorted = array("q", heapq.merge(found, new))
        self.new = set()


class ReadIds:
    """A set of ids (``in`` and ``add``) that keeps numeric ids in 8 bytes each."""

    __slots__ = ("_numbers", "_others")

    def __init__(self) -> None:
        self._numbers: dict[str, _Numbers] = {}
        self._others: set[str] = set()

    def __contains__(self, source_id: object) -> bool:
        # Written out as in ``first``: a smart update's scan asks it of every
        # synced id, to find what the source deleted.
        if not isinstance(source_id, str):
            return False
        prefix = source_id.rstrip(_DIGITS)
        digits = source_id[len(prefix) :]
        if not digits or len(digits) > _MAX_DIGITS or (digits[0] == "0" and len(digits) > 1):
            return source_id in self._others
        numbers = self._numbers.get(prefix)
        if numbers is None:
            return False
        number = int(digits)
        if number > numbers.top:
            return False
        if number in numbers.new:
            return True
        found = numbers.sorted
        at = bisect_left(found, number)
        return at < len(found) and found[at] == number

    def add(self, source_id: str) -> None:
        self.first(source_id)

    def first(self, source_id: str) -> bool:
        """Add ``source_id``; whether it was new (one split for both)."""
        prefix = source_id.rstrip(_DIGITS)
        digits = source_id[len(prefix) :]
        if not digits or len(digits) > _MAX_DIGITS or (digits[0] == "0" and len(digits) > 1):
            if source_id in self._others:
                return False
            self._others.add(source_id)
            return True
        number = int(digits)
        numbers = self._numbers.get(prefix)
        if numbers is None:
            numbers = self._numbers[prefix] = _Numbers()
        if number > numbers.top:  # a read in id order: new, and the array stays sorted
            numbers.top = number
            numbers.sorted.append(number)
            return True
        new = numbers.new
        if number in new:
            return False
        found = numbers.sorted
        if found:
            at = bisect_left(found, number)
            if at < len(found) and found[at] == number:
                return False
        new.add(number)
        if len(new) >= _FIRST_MERGE and len(new) * 4 >= len(found):
            numbers.merge()
        return True


class PlainIds(set[str]):
    """The ids read as a plain set, where every synced id is asked of it after
    the read (a smart update's full read, to find what the source deleted):
    0.06 µs a question instead of ``ReadIds``' 0.7, for 60 bytes an id."""

    def first(self, source_id: str) -> bool:
        """Add ``source_id``; whether it was new."""
        if source_id in self:
            return False
        self.add(source_id)
        return True
