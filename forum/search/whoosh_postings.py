"""Reading a Whoosh segment's postings and columns in bulk: the one module that knows the
layout of Whoosh's own codec (whoosh-reloaded 2.7.x, `whoosh.codec.whoosh3`).

Whoosh's public API gives a posting at a time through a matcher object (`id()`,
`weight()`, `next()`, each a Python call), and a column value at a time. Scoring or
checking thousands of matches that way is what made searches slow. The codec stores
postings in blocks (arrays of ids, weights and values) and a field's lengths as one byte
per document, so here they are read a block, or a column, at a time. Every function falls
back to the public API when the objects are not the ones it knows, so a new Whoosh can
only make it slower, never wrong; tests/search/test_whoosh_exactness.py checks the results
against Whoosh's own.
"""
import sys
from array import array
from bisect import bisect_right
from itertools import accumulate
from pickle import loads

from whoosh.matching import WrappingMatcher
from whoosh.util.numeric import byte_to_length

_INT_SIZE = 4  # a position value starts with the frequency as an int (whoosh.formats)


def _leaf_matcher(matcher):
    """The codec's matcher under Whoosh's wrappers (a deleted-documents filter: callers
    only ask about live documents)."""
    while isinstance(matcher, WrappingMatcher):
        matcher = matcher.child
    return matcher


def _is_codec_matcher(matcher) -> bool:
    return all(hasattr(matcher, name) for name in (
        "_read_ids", "_read_weights", "_read_values", "_next_block", "_ids", "_weights"))


def blocks(reader, field: str, text: str, *, values: bool = False, only=None):
    """(ids, weights, values or None) of each block of a term's postings in one segment
    `reader`; ids are ascending within the segment. Deleted documents may be included.
    `only`: ascending document numbers; blocks holding none of them are skipped unread
    (the codec knows each block's last id before reading it)."""
    matcher = _leaf_matcher(reader.postings(field, text))
    if not _is_codec_matcher(matcher):  # not the codec we know: a posting at a time
        ids, weights, found = [], [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            if values:
                found.append(matcher.value())
            matcher.next()
        yield ids, weights, found if values else None
        return
    next_wanted = 0  # index in `only` of the first document not yet reached
    while matcher.is_active():
        last = matcher.block_max_id()
        if only is not None:
            if next_wanted >= len(only):
                return
            if only[next_wanted] > last:  # nothing wanted in this block
                matcher._next_block()
                continue
            next_wanted = bisect_right(only, last, next_wanted)
        matcher._read_ids()
        matcher._read_weights()
        if values:
            matcher._read_values()
        yield matcher._ids, matcher._weights, matcher._values if values else None
        matcher._next_block()


def postings(reader, field: str, text: str) -> tuple[array, array]:
    """(ids, weights) of all of a term's postings in one segment, as flat arrays (ids
    ascending; deleted documents may be included)."""
    ids, weights = array("i"), array("f")
    for block_ids, block_weights, _ in blocks(reader, field, text):
        ids.extend(block_ids)
        weights.extend(block_weights)
    return ids, weights


def positions_of(value: bytes) -> list[int]:
    """The word positions in one posting value of a field with positions (Whoosh's
    `Positions` format: the frequency, then pickled gaps between positions)."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))


def field_lengths(reader, field: str) -> list:
    """Each document's length in `field` in one segment, as Whoosh's scorer sees it
    (`doc_field_length(docnum, field, 1)`: lengths are stored as a byte each, lossily)."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
        column = perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
        if column is None:
            return [1] * reader.doc_count_all()
        if all(hasattr(column, name) for name in ("_dbfile", "_basepos", "_count",
                                                  "_fixedlen")) and column._fixedlen == 1:
            raw = bytes(column._dbfile.get(column._basepos, column._count))
            missing = reader.doc_count_all() - len(raw)
            return [_LENGTH_OF_BYTE[b] for b in raw] + [1] * max(0, missing)
    return [reader.doc_field_length(d, field, 1) for d in range(reader.doc_count_all())]


_LENGTH_OF_BYTE = [byte_to_length(b) if b else 1 for b in range(256)]


def numeric_column(reader, field: str) -> array | list:
    """A segment's sortable numeric column (e.g. `created_at`) as an array of its stored
    numbers (untranslated: a datetime's number, which sorts as the datetime does) indexed
    by document number."""
    column = reader.column_reader(field, translate=False)
    if all(hasattr(column, name) for name in ("_dbfile", "_basepos", "_count", "_fixedlen",
                                              "_typecode", "_default")):
        values = array(column._typecode)
        values.frombytes(bytes(column._dbfile.get(column._basepos,
                                                  column._count * column._fixedlen)))
        if values.itemsize > 1 and sys.byteorder == "little":
            values.byteswap()  # Whoosh writes big-endian ("!")
        missing = reader.doc_count_all() - len(values)
        if missing > 0:
            values.extend([column._default] * missing)
        return values
    return [column[d] for d in range(reader.doc_count_all())]
