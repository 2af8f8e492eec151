"""A report's list of changes: the first thousand in memory, the rest in a file.

A dry run of a whole store plans a create per entity, each with its fields: a
list of those in memory grew by kilobytes per entity, several gigabytes for a
million. ``ChangeLog`` keeps the first ``KEPT`` in memory, where the report's
views and most reports need nothing else, and pickles the rest into an
anonymous temporary file (gone when the log is), read back in order whenever
the log is iterated or indexed. It behaves as the list it replaces for what
callers do with one: ``append``, ``len``, iterating, indexing and slicing,
comparing with a list, ``bool``.
"""

from __future__ import annotations

import array
import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO, TYPE_CHECKING, Any, SupportsIndex, overload

if TYPE_CHECKING:
    from ._report import Change

__all__ = ["ChangeLog"]

#: How many changes stay in memory before the rest go to the file.
KEPT = 1_000


class ChangeLog:
    """The changes of one call, in order (see the module's docstring)."""

    def __init__(self, changes: Iterable[Change] = ()) -> None:
        self._kept: list[Change] = []
        self._file: IO[bytes] | None = None
        self._offsets = array.array("q")  # where each spilled change starts
        for change in changes:
            self.append(change)

    def append(self, change: Change) -> None:
        if len(self._kept) < KEPT:
            self._kept.append(change)
            return
        if self._file is None:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the log
        self._file.seek(0, 2)
        self._offsets.append(self._file.tell())
        pickle.dump(change, self._file, protocol=pickle.HIGHEST_PROTOCOL)

    def _spilled(self, start: int = 0) -> Iterator[Change]:
        # Seeks before each one: an append between two reads moves the file.
        for index in range(start, len(self._offsets)):
            assert self._file is not None
            self._file.seek(self._offsets[index])
            change: Change = pickle.load(self._file)
            yield change

    def __len__(self) -> int:
        return len(self._kept) + len(self._offsets)

    def __bool__(self) -> bool:
        return bool(self._kept)

    def __iter__(self) -> Iterator[Change]:
        yield from list(self._kept)
        yield from self._spilled()

    @overload
    def __getitem__(self, index: SupportsIndex) -> Change: ...

    @overload
    def __getitem__(self, index: slice) -> list[Change]: ...

    def __getitem__(self, index: SupportsIndex | slice) -> Change | list[Change]:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step == 1 and stop <= len(self._kept):
                return self._kept[start:stop]
            return [self[i] for i in range(start, stop, step)]
        position = index.__index__()
        if position < 0:
            position += len(self)
        if not 0 <= position < len(self):
            raise IndexError("change index out of range")
        if position < len(self._kept):
            return self._kept[position]
        return next(self._spilled(position - len(self._kept)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ChangeLog | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as a list

    def __repr__(self) -> str:
        shown = ", ".join(repr(c) for c in self._kept[:3])
        more = len(self) - min(3, len(self._kept))
        return f"ChangeLog([{shown}{', ...' if more > 0 else ''}], {len(self)} changes)"

    def __getstate__(self) -> dict[str, Any]:
        return {"changes": list(self)}  # a file cannot be pickled: the changes can

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["changes"])  # type: ignore[misc]
