"""Fields with a (mostly) closed vocabulary: sex, blood, religion, marriage, work, citizenship.

Snapping goes through :meth:`Vocabulary.snap` (one scorer, one threshold). The value returned is
the spelling the card prints that is closest to the text (``KATOLIK`` and ``KATHOLIK`` are both
printed). Occupation is also printed as free text: it is snapped only when the match is close.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from ktp_ocr.fields.invalid import InvalidField
from ktp_ocr.fields.repair import repair, to_letters, word_mask
from ktp_ocr.fields.text import issue, lowered, single_spaces, strip_edges, strip_label
from ktp_ocr.fields.vocab import Vocabulary, load_vocabulary, vocab_key
from ktp_ocr.types import FieldName, FieldValue, Sex

#: Punctuation a free-text occupation may hold.
OCCUPATION_PUNCTUATION = "/.,()-'&"
#: An occupation with more letters than this beyond the closest entry is free text
#: (``KARYAWAN HONORER SEKOLAH`` is not ``KARYAWAN HONORER``).
MAX_EXTRA_LETTERS = 3
WNI = "WNI"
WNA = "WNA"

_SEXES = Vocabulary.from_rows("jenis_kelamin", tuple((sex.value,) for sex in Sex))
_CITIZENSHIP = Vocabulary.from_rows("kewarganegaraan", ((WNI,), (WNA,)))
#: The Gol. Darah label, which shares the Jenis Kelamin row.
_GOL_DARAH = re.compile(
    # a lone D glued to it (``GolD``) is the first letter of Darah, the rest washed out
    r"G\s*[O0]\s*L[\s.,:]*(?:ONGAN\s*)?(?:D[A4]R[A4]H|(?<=L)D\b)?|D[A4]R[A4]H"
    # blurred: "Go Darah", "Got Daah", "Cot Derati"
    r"|\b[GC][O0][LTI1]?[\s.,:]+D[A4E]R?[A4]?[HT]\w*"
    # blurred further: "Gi. Dadr", "Opl Dacah", "Gul Daan" (a short word, then a D-word)
    r"|\b[GCO6][A-Za-z0-9]{0,2}[\s.,:]+D[A-Za-z4]{2,4}\b",
    re.I,
)
_BLOOD = re.compile(r"(AB|A|B|O)([+-]?)")
_BLOOD_LETTERS = str.maketrans({"0": "O", "D": "O", "Q": "O", "8": "B", "4": "A"})
#: A lone small letter before a blood type is the label's colon misread (``Darahc O``): the
#: card prints its values in capitals. Not ``o``, which is the group O itself.
_COLON_READ_AS_LETTER = re.compile(r"[a-np-z]")
_DASHES = str.maketrans({"–": "-", "—": "-", "−": "-", "_": "-", "~": "-"})
_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ")
_TOKEN = re.compile(r"\S+")


def split_sex_blood(text: str) -> tuple[str, str]:
    """The Jenis Kelamin row split at the Gol. Darah label: (sex text, blood text or ``""``)."""
    found = _GOL_DARAH.search(text)
    if found is None:
        return text, ""
    return text[: found.start()], text[found.end() :]


def _snapped(
    raw: str, text: str, field: FieldName, vocab: Vocabulary, confidence: float
) -> FieldValue[str]:
    try:
        snap = vocab.snap(text)
    except InvalidField as exc:
        return FieldValue(None, raw, confidence, (issue(field, exc.code),))
    repaired = to_letters(text) != text.upper()
    return FieldValue(snap.value, raw, lowered(confidence * snap.score / 100, int(repaired)))


#: A word is taken for a sex when it matches a stretch of one spelling this well ...
_SEX_PART_SCORE = 90
#: ... and no stretch of the other better than this (``MPUAN`` is only ever ``PEREMPUAN``).
_SEX_OTHER_SCORE = 60
_SEX_WORD = re.compile(r"[A-Z0-9-]{4,}")


def _sex_from_words(text: str) -> Sex | None:
    """The one sex a word of ``text`` is a clear piece of (label debris around it ignored)."""
    found: set[Sex] = set()
    for word in _SEX_WORD.findall(text.upper()):
        key = word.replace("-", "")
        if len(key) < 4:
            continue
        scores = {sex: fuzz.partial_ratio(key, sex.value.replace("-", "")) for sex in Sex}
        for sex, score in scores.items():
            other = max(s for k, s in scores.items() if k is not sex)
            if score >= _SEX_PART_SCORE and other <= _SEX_OTHER_SCORE:
                found.add(sex)
    return found.pop() if len(found) == 1 else None


def read_sex(raw: str, *, confidence: float = 1.0) -> FieldValue[Sex]:
    """``jenis_kelamin``: ``LAKI-LAKI`` or ``PEREMPUAN`` (``LAKI LAK1``, ``PEREMPLAN``).

    When the whole text is not close to either (a cut-off ``MPUAN``, the tail of the label
    before it), a word that is clearly a piece of one and not of the other decides, less sure.
    """
    field = FieldName.JENIS_KELAMIN
    text = strip_edges(strip_label(split_sex_blood(raw)[0], field))
    read = _snapped(raw, text, field, _SEXES, confidence)
    if read.value is None and issue(field, "missing") not in read.issues:
        piece = _sex_from_words(text)
        if piece is not None:
            return FieldValue(piece, raw, lowered(confidence, 2))
    value = None if read.value is None else Sex(read.value)
    return FieldValue(value, raw, read.confidence, read.issues)


def _blood_text(text: str) -> str:
    """The blood-type part of ``text``, compact and upper case, dashes unified."""
    found = _GOL_DARAH.search(text)
    tokens = (text[found.end() :] if found else text).split()
    if len(tokens) >= 2 and _COLON_READ_AS_LETTER.fullmatch(tokens[0]):
        tokens = tokens[1:]  # ``c O``: the label's colon read as a small letter
    return "".join(tokens).translate(_DASHES).strip(":;.,=").upper()


def parse_blood_type(text: str) -> str:
    """``A``, ``B``, ``AB``, ``O`` with ``+``/``-``, or ``-``; ``0`` is O. Raises InvalidField."""
    compact = _blood_text(text)
    if not compact:
        raise InvalidField("missing", "no blood type")
    if set(compact) == {"-"}:
        return "-"
    found = _BLOOD.fullmatch(compact.lstrip("-").translate(_BLOOD_LETTERS))
    if found is None:
        raise InvalidField("unknown", "not a blood type")
    return found.group()


def read_blood_type(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``golongan_darah``; ``-`` when the card prints ``-``."""
    field = FieldName.GOLONGAN_DARAH
    try:
        value = parse_blood_type(raw)
    except InvalidField as exc:
        return FieldValue(None, raw, confidence, (issue(field, exc.code),))
    as_read = _blood_text(raw)
    corrected = value != "-" and value != as_read.lstrip("-")
    return FieldValue(value, raw, lowered(confidence, int(corrected)))


def _read_listed(raw: str, field: FieldName, confidence: float) -> FieldValue[str]:
    text = strip_edges(strip_label(raw, field))
    return _snapped(raw, text, field, load_vocabulary(field.value), confidence)


def read_religion(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``agama`` as printed: ``ISLAM``, ``KATHOLIK`` or ``KATOLIK``, ``BUDHA`` or ``BUDDHA``..."""
    return _read_listed(raw, FieldName.AGAMA, confidence)


def read_marital_status(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``status_perkawinan``: ``BELUM KAWIN``, ``KAWIN``, ``CERAI HIDUP``, ``CERAI MATI``..."""
    return _read_listed(raw, FieldName.STATUS_PERKAWINAN, confidence)


def _free_text(text: str) -> str:
    fixed = repair(text, word_mask(text, OCCUPATION_PUNCTUATION))
    kept = "".join(ch if ch in _PLAIN or ch in OCCUPATION_PUNCTUATION else " " for ch in fixed)
    return strip_edges(re.sub(r"\s*/\s*", "/", single_spaces(kept)))


def read_occupation(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``pekerjaan``: the registry's spelling when the text is close to one, else the text.

    Text equally close to two listed occupations is kept as read, with ``pekerjaan_ambiguous``;
    so is text that says more than the closest entry.
    """
    field = FieldName.PEKERJAAN
    text = strip_edges(strip_label(raw, field))
    listed = _snapped(raw, text, field, load_vocabulary(field.value), confidence)
    if listed.value is not None:
        extra = len(vocab_key(text)) - len(vocab_key(listed.value))
        if extra <= MAX_EXTRA_LETTERS:
            return listed
    elif issue(field, "missing") in listed.issues:
        return listed
    value = _free_text(text)
    if not any("A" <= ch <= "Z" for ch in value):
        return FieldValue(None, raw, confidence, (issue(field, "unreadable"),))
    ambiguous = issue(field, "ambiguous")
    issues = (ambiguous,) if ambiguous in listed.issues else ()
    return FieldValue(value, raw, lowered(confidence), issues)


#: What a blurred or noisy print of each letter of ``WNI`` / ``WNA`` is read as; a look-alike
#: costs a third of a wrong letter. Three letters are too short for the fuzzy snap's threshold.
_LOOKALIKES = {
    "W": frozenset("VM"),
    "N": frozenset("HMK"),
    "I": frozenset("L1l|!TJEFi"),
    "A": frozenset("4RHK"),
}
_LOOKALIKE_COST = 1 / 3
#: A reading is taken when it costs at most this (one wrong letter) and the other at least
#: this much more.
_CITIZENSHIP_MAX_COST = 1.0
_CITIZENSHIP_MARGIN = 0.5


def _letter_cost(read: str, printed: str) -> float:
    if read.upper() == printed:
        return 0.0
    return _LOOKALIKE_COST if read in _LOOKALIKES[printed] else 1.0


def _edit_cost(word: str, target: str) -> float:
    """Levenshtein distance with look-alike substitutions made cheap."""
    prev = [float(j) for j in range(len(target) + 1)]
    for i, ch in enumerate(word, 1):
        cur = [float(i)]
        for j, want in enumerate(target, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + _letter_cost(ch, want)))
        prev = cur
    return prev[-1]


def _citizenship_word(text: str) -> tuple[str | None, float, re.Match[str] | None]:
    """The token that reads as WNI or WNA: (value or None, its cost, the token)."""
    best: tuple[str | None, float, re.Match[str] | None] = (None, 99.0, None)
    for token in _TOKEN.finditer(text):
        word = token.group().replace("VV", "W").replace("vv", "W").strip(".,:;")
        if not 2 <= len(word) <= 4:
            continue
        costs = sorted((_edit_cost(word, value), value) for value in (WNI, WNA))
        (cost, value), (other, _) = costs
        if cost > _CITIZENSHIP_MAX_COST or cost >= best[1]:
            continue
        best = (value if other - cost >= _CITIZENSHIP_MARGIN else None, cost, token)
    return best


def read_citizenship(raw: str, *, confidence: float = 1.0) -> FieldValue[str]:
    """``kewarganegaraan``: ``WNI``, or ``WNA`` followed by the nationality when printed.

    Read from the first token that is within one wrong letter of ``WNI`` or ``WNA`` (letters
    that look alike count for less), and nearer one than the other.
    """
    field = FieldName.KEWARGANEGARAAN
    text = strip_edges(strip_label(raw, field))
    if not vocab_key(text):
        return FieldValue(None, raw, confidence, (issue(field, "missing"),))
    value, cost, token = _citizenship_word(text)
    if token is None:
        return FieldValue(None, raw, confidence, (issue(field, "unknown"),))
    if value is None:
        return FieldValue(None, raw, confidence, (issue(field, "ambiguous"),))
    sure = lowered(confidence, int(cost > 0) + int(token.start() > 0))
    if value == WNA:
        nationality = _free_text(text[token.end() :])
        value = f"{WNA} {nationality}" if nationality else WNA
    return FieldValue(value, raw, sure)
