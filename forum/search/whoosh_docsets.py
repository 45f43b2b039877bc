"""Sets of matching documents as bitsets, for exact totals and facet counts (Whoosh only).

Scoring every match in pure Python is what made Whoosh slow: a word in a tenth of 10,000
posts is 1,000 matches to score for a page of 20. So the backend scores only the top of the
page (Whoosh's block-quality skipping) and counts the matches here instead, in C: each
term's documents are a Python int used as a bitset (bit n = global document n), so And,
Or and AndNot are `&`, `|`, `& ~`, and a facet value's count is `(matches &
docs).bit_count()`. A bitset costs a bit per document (12.5 KB at 100,000), and each is
cached per segment; a commit adds a segment and leaves the others' bitsets valid.
Deletions change a segment's live documents, so its key includes its live count.

Phrases need word positions: their documents come from Whoosh's own (unscored) matcher.
"""
from collections import OrderedDict

from whoosh import query as wq

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
                    # postings() leaves deleted documents out
                    found = _bits(leaf.postings(field, text).all_ids(), offset)
                self._remember(key, found)
            else:
                self._cache.move_to_end(key)
            bits |= found
        return bits

    def _remember(self, key, bits: int) -> None:
        self._cache[key] = bits
        self._size += bits.bit_length() // 8 + 64
        while self._size > CACHE_BYTES and self._cache:
            _, old = self._cache.popitem(last=False)
            self._size -= old.bit_length() // 8 + 64

    def all_live(self, reader) -> int:
        """Every live document."""
        bits = 0
        for leaf, offset in self._leaves(reader):
            key = (self._segment_key(leaf, offset), None, None)
            if (found := self._cache.get(key)) is None:
                found = _bits(leaf.all_doc_ids(), offset)
                self._remember(key, found)
            bits |= found
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
        if isinstance(q, wq.Phrase):
            # Only documents with every word can hold the phrase: look at those alone.
            if not self.of_query(searcher, wq.And([wq.Term(q.fieldname, w) for w in q.words])):
                return 0
        return _bits(sorted(searcher.docs_for_query(q)), 0)

    def facet_values(self, reader, field: str) -> dict[str, int]:
        """Each value of a facet field, with its live documents."""
        texts = {value.decode("utf-8") for leaf, _ in self._leaves(reader)
                 for value in leaf.lexicon(field)}
        return {text: self.term(reader, field, text) for text in texts}
