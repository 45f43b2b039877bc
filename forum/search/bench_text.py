"""Generated text shaped like this community's posts, for the search benchmark.

Words follow Zipf's law (the n-th most common word turns up about 1/n as often as the
first), as real text does: function words at the head, then this community's own
vocabulary (harassment, menopause, accreditation...), then everyday and workplace words,
then a long tail of 20,000 rare words. So each community word is in about 9-13% of posts
(a topical forum: denser than general text), and the index has a realistic number of
distinct words.
Deterministic for a seed.
"""
import itertools
import random

FUNCTION_WORDS = (
    "the of and to a in is that for it we on with as our this are be have at by from "
    "not or an will can they has but their which all was more who were about would been "
    "how what there also if its so some other any do into them than these us".split())
EVERYDAY = (
    "work staff people time new year support team employer organisation service help "
    "information need local make good way change first part help best example group "
    "process plan public next take share meeting made action session feedback approach "
    "people practice report question sector training review development experience "
    "progress understand evidence learning network colleagues case".split())
COMMUNITY = (
    "policy women equality workplace gender harassment violence managers survey leave "
    "flexible working pay gap menopause accreditation domestic abuse disclosure "
    "reporting culture leadership carers guidance council health board intersectional "
    "inclusion safety wellbeing employee union equally safe bystander sexual misogyny "
    "recruitment retention promotion parental maternity caring responsibilities "
    "occupational segregation monitoring data anonymous confidential grievance "
    "investigation adjustments awareness champions toolkit framework audit "
    "benchmark assessment criteria evaluation charter commitment statement "
    "consultation partnership prevention survivors trauma informed coercive control "
    "stalking online safeguarding helpline referral specialist advocacy".split())
TAIL_SIZE = 20_000
ZIPF_EXPONENT = 1.0


def vocabulary() -> list[str]:
    """Words from most to least common: function words, the community's, everyday, the tail."""
    seen, words = set(), []
    for word in itertools.chain(FUNCTION_WORDS, COMMUNITY, EVERYDAY):
        if word not in seen:
            seen.add(word)
            words.append(word)
    rng = random.Random(0)
    letters = "abcdefghijklmnoprstuvwy"
    head = len(words)
    while len(words) < head + TAIL_SIZE:  # made-up rare words
        word = "".join(rng.choice(letters) for _ in range(rng.randint(5, 10)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


class TextGenerator:
    """Sentences of Zipf-distributed words, drawn from one seeded random stream."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.words = vocabulary()
        weights = [1 / rank ** ZIPF_EXPONENT for rank in range(1, len(self.words) + 1)]
        self.cumulative = list(itertools.accumulate(weights))

    def words_(self, count: int) -> list[str]:
        return self.rng.choices(self.words, cum_weights=self.cumulative, k=count)

    def text(self, count: int) -> str:
        """About `count` words in sentences of 6-18 words."""
        words, sentences = self.words_(count), []
        while words:
            size = self.rng.randint(6, 18)
            sentence, words = words[:size], words[size:]
            sentences.append(" ".join(sentence).capitalize() + ".")
        return " ".join(sentences)

    def title(self) -> str:
        # Titles lean on content words: skip the function words.
        words = [w for w in self.words_(14) if w not in FUNCTION_WORDS][:self.rng.randint(4, 9)]
        return " ".join(words).capitalize()
