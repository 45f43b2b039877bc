"""Sets of matching documents as bitsets, for exact totals and facet counts (Whoosh only).

Walking Whoosh's matcher objects over every match is what made Whoosh slow: a word in a
tenth of 10,000 posts is 1,000 matches, each a chain of Python calls. So the backend counts
the matches here instead, in C, and scores them in bulk (whoosh_ranking): each
term's documents are a Python int used as a bitset (bit n = global document n), so And,
Or and AndNot are `&`, `|`, `& ~`, and a facet value's count is `(matches &
docs).bit_count()`. A bitset costs a bit per document (12.5 KB at 100,000), and each is
cached per segment; a commit adds a segment and leaves the others' bitsets valid.
Deletions change a segment's live documents, so its key includes its live count.

Phrases need word positions: among the documents with all of a phrase's words (a bitset
intersection), those with the words next to each other are found from the words' posting
values, read a block at a time (whoosh_postings), with set operations on the positions;
Whoosh's span matcher, a Python object per position, took 300 ms for a common phrase at
100,000 posts. The cache also keeps, per segment, the columns and BM25F length norms that
ranking reads (whoosh_ranking).
"""
from array import array
from collections import OrderedDict

from whoosh import query as wq

from .whoosh_postings import blocks, field_lengths, numeric_column, positions_of
from .whoosh_postings import postings as read_postings

CACHE_BYTES = 48 * 1024 * 1024  # bitsets kept per process, then the least recently used go
_BYTE_BITS = [tuple(i for i in range(8) if byte >> i & 1) for byte in range(256)]


def positions(bits: int) -> list[int]:
    """The document numbers set in `bits`, ascending."""
    found = []
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index, byte in enumerate(data):
        if byte:
            base = index * 8
            found.extend(base + bit for bit in _BYTE_BITS[byte])
    return found


def _bits(docnums, offset: int) -> int:
    """A bitset of `docnums` (numbers within a segment) moved to start at `offset`."""
    docnums = list(docnums)
    if not docnums:
        return 0
    data = bytearray(docnums[-1] // 8 + 1)
    for docnum in docnums:
        data[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(data, "little") << offset


def _size_of(entry) -> int:
    if isinstance(entry, tuple):  # (value, size) kept by _kept
        return entry[1]
    return entry.bit_length() // 8 + 64


def _with_phrase(leaf, field: str, words: tuple, candidates: int) -> list[int]:
    """The segment's document numbers among `candidates` (a bitset of documents with
    every word) whose `field` has `words` at consecutive positions (Whoosh's Phrase with
    slop 1: in order, next to each other), ascending."""
    ordered = positions(candidates)
    wanted = set(ordered)
    values = {}  # word -> {document: its posting value (positions, encoded)}
    for word in dict.fromkeys(words):
        mine = values[word] = {}
        for ids, _, found in blocks(leaf, field, word, values=True, only=ordered):
            for i, docnum in enumerate(ids):
                if docnum in wanted:
                    mine[docnum] = found[i]
    matching = []
    for docnum in ordered:
        starts = set(positions_of(values[words[0]][docnum]))
        for distance, word in enumerate(words[1:], 1):
            starts &= {p - distance for p in positions_of(values[word][docnum])}
            if not starts:
                break
        if starts:
            matching.append(docnum)
    return matching


class DocSets:
    """Bitsets of the documents of terms, facet values and queries, over one searcher."""

    def __init__(self):
        self._cache = OrderedDict()  # (segment key, field, text) -> bitset
        self._size = 0

    @staticmethod
    def _segment_key(leaf, offset):
        # Live count: a deletion in a segment changes which of its documents match.
        return (leaf.segment().segment_id(), offset, leaf.doc_count())

    def _leaves(self, reader):
        return [(leaf, offset) for leaf, offset in reader.leaf_readers()
                if leaf.segment() is not None]

    def term(self, reader, field: str, text) -> int:
        """The live documents containing `text` in `field` (text: as the field takes it)."""
        bits = 0
        for leaf, offset in self._leaves(reader):
            key = (self._segment_key(leaf, offset), field, text)
            found = self._cache.get(key)
            if found is None:
                found = 0
                if (field, text) in leaf:
                    found = self._term_bits(leaf, offset, field, text)
                self._remember(key, found)
            else:
                self._cache.move_to_end(key)
            bits |= found
        return bits

    def _remember(self, key, entry) -> None:
        """Keep `entry`, a bitset or (value, its size in bytes), dropping the least
        recently used entries past CACHE_BYTES."""
        self._cache[key] = entry
        self._size += _size_of(entry)
        while self._size > CACHE_BYTES and self._cache:
            _, old = self._cache.popitem(last=False)
            self._size -= _size_of(old)

    def _kept(self, key, compute, size):
        """A per-segment value other than a bitset, computed once and kept (LRU); `size`:
        its bytes, or a function of the value giving them."""
        found = self._cache.get(key)
        if found is None:
            value = compute()
            self._remember(key, (value, size(value) if callable(size) else size))
            return value
        self._cache.move_to_end(key)
        return found[0]

    def segment_columns(self, reader, field: str):
        """(segment reader, offset, column values by document number) of each segment."""
        return [(leaf, offset, self._kept((self._segment_key(leaf, offset), "column", field),
                                          lambda: numeric_column(leaf, field),
                                          8 * leaf.doc_count_all() + 64))
                for leaf, offset in self._leaves(reader)]

    def norms(self, leaf, offset: int, field: str, B: float, K1: float, avgfl: float):
        """Per document of a segment, the length part of BM25F's denominator for `field`,
        `K1 * ((1 - B) + B * length / avgfl)`, computed as whoosh.scoring.bm25 does."""
        def compute():
            return array("d", [K1 * ((1 - B) + B * length / avgfl)
                               for length in field_lengths(leaf, field)])
        return self._kept((self._segment_key(leaf, offset), "norms", field, B, K1, avgfl),
                          compute, 8 * leaf.doc_count_all() + 64)

    def _term_bits(self, leaf, offset: int, field: str, text) -> int:
        """A term's live documents in one segment, from its (cached) postings."""
        data = bytearray((leaf.doc_count_all() + 7) // 8)
        for docnum in self.postings(leaf, offset, field, text)[0]:
            data[docnum >> 3] |= 1 << (docnum & 7)
        bits = int.from_bytes(data, "little") << offset
        if leaf.has_deletions():  # the codec's postings still list deleted documents
            bits &= self._live(leaf, offset)
        return bits

    def postings(self, leaf, offset: int, field: str, text):
        """(ids, weights) of a term's postings in one segment, flat arrays, kept: reading
        and decoding them is most of a search's cost, and common words come back (they
        are read once for a term's bitset and its scores, and again by the next query)."""
        return self._kept((self._segment_key(leaf, offset), field, ("postings", text)),
                          lambda: read_postings(leaf, field, text),
                          lambda found: 8 * len(found[0]) + 128)

    def _live(self, leaf, offset: int) -> int:
        key = (self._segment_key(leaf, offset), None, None)
        if (found := self._cache.get(key)) is None:
            found = _bits(leaf.all_doc_ids(), offset)
            self._remember(key, found)
        else:
            self._cache.move_to_end(key)
        return found

    def all_live(self, reader) -> int:
        """Every live document."""
        bits = 0
        for leaf, offset in self._leaves(reader):
            bits |= self._live(leaf, offset)
        return bits

    def of_query(self, searcher, q) -> int:
        """The documents matching `q`, one of the query kinds the backend builds: Term,
        And, Or (and its subclasses), AndNot, Phrase; anything else through Whoosh."""
        reader = searcher.reader()
        if isinstance(q, wq.Term):
            return self.term(reader, q.fieldname, q.text)
        if isinstance(q, wq.And):
            bits = None
            for sub in q.subqueries:
                bits = self.of_query(searcher, sub) if bits is None else bits & self.of_query(
                    searcher, sub)
                if not bits:
                    return 0
            return bits or 0
        if isinstance(q, wq.Or):
            bits = 0
            for sub in q.subqueries:
                bits |= self.of_query(searcher, sub)
            return bits
        if isinstance(q, wq.AndNot):
            positive = self.of_query(searcher, q.a)
            return positive & ~self.of_query(searcher, q.b) if positive else 0
        if isinstance(q, wq.Phrase) and q.slop == 1 and q.words:
            return self._phrase(searcher, q.fieldname, tuple(q.words))
        return _bits(sorted(searcher.docs_for_query(q)), 0)

    def _phrase(self, searcher, field: str, words: tuple) -> int:
        """The live documents with `words` next to each other, in order, in `field`."""
        reader, bits = searcher.reader(), 0
        # Only documents with every word can hold the phrase: look at those alone.
        having = self.of_query(searcher, wq.And([wq.Term(field, w) for w in words]))
        if not having:
            return 0
        for leaf, offset in self._leaves(reader):
            key = (self._segment_key(leaf, offset), field, ("phrase",) + words)
            found = self._cache.get(key)
            if found is None:
                mine = (having >> offset) & ((1 << leaf.doc_count_all()) - 1)
                found = _bits(_with_phrase(leaf, field, words, mine), offset) if mine else 0
                self._remember(key, found)
            else:
                self._cache.move_to_end(key)
            bits |= found
        return bits

    def facet_values(self, reader, field: str) -> dict[str, int]:
        """Each value of a facet field, with its live documents."""
        texts = {value.decode("utf-8") for leaf, _ in self._leaves(reader)
                 for value in leaf.lexicon(field)}
        return {text: self.term(reader, field, text) for text in texts}
