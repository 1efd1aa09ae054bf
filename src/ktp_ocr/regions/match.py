"""Matching printed place names to regions, level by level, under OCR noise.

**Scorer.** One scorer for everything: the normalized Levenshtein similarity (0-100) of the
*keys* of the printed and the official name (see :mod:`ktp_ocr.regions.names`: labels such as
``PROVINSI``/``KAB.``/``KEC.`` dropped, ``0/O``, ``1/I/L``, ``5/S``, ``8/B`` folded, spaces
removed, so glued and split words compare equal). A name matches when its score reaches
:data:`MATCH_THRESHOLD`: at the default of 80, about one wrong character in five.

**Candidates.** Levels are matched top-down: province, regency/city inside the matched province,
district inside the matched regency, village inside the matched district. At each level the
NIK's own region (today's, and the historic one when the NIK's code was remapped) is tried
first, then every region in the scope the card itself sets (the matched parent, else the NIK's
parent, else wider). The NIK's region wins a tie with another candidate; two other candidates
tying for the best score make the match ``ambiguous`` and leave ``region`` None: a guess
would put a wrong postal code on the result. ``KOTA`` and ``KABUPATEN`` are kept as a fact:
``KOTA BANDUNG`` never matches Kabupaten Bandung.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from ktp_ocr.regions.base import RegionCatalog, RegionRepository
from ktp_ocr.regions.catalog import as_catalog
from ktp_ocr.regions.index import NameEntry, NameIndex
from ktp_ocr.regions.names import PlaceQuery, RegencyKind, card_name, parse_place, regency_kind
from ktp_ocr.types import Region, RegionLevel, RegionMatch

__all__ = ["MATCH_THRESHOLD", "card_name", "match_card", "match_level", "score"]

#: Minimum score (0-100) for a printed name to match a region: one edit per five characters.
MATCH_THRESHOLD = 80.0
_EXACT = 100.0
# rapidfuzz turns a similarity cutoff into a distance and rounds against a name at exactly the
# threshold (one edit in five): search a little wider, then apply the threshold ourselves.
_CUTOFF = MATCH_THRESHOLD / 100.0 - 0.01
_EPSILON = 1e-6
#: Levels whose regions a NIK code names (a NIK carries no village).
_NIK_LEVELS: tuple[RegionLevel, ...] = ("provinsi", "kabupaten_kota", "kecamatan")


def score(a: str, b: str) -> float:
    """The scorer on two keys, 0-100."""
    return 100.0 * Levenshtein.normalized_similarity(a, b)


@dataclass(frozen=True, slots=True)
class _Hit:
    region: Region
    score: float
    priority: int
    historic: bool
    preferred: bool  # found among the NIK's own regions

    def rank(self) -> tuple[float, bool, int, str]:
        return (-self.score, not self.preferred, self.priority, self.region.code)


@dataclass(frozen=True, slots=True)
class _NikRegions:
    """The NIK's regions per level: today's first, then the historic one if it still exists."""

    by_level: dict[RegionLevel, tuple[tuple[Region, bool], ...]]
    historic: bool

    def first(self, level: RegionLevel) -> tuple[tuple[Region, bool], ...]:
        return self.by_level.get(level, ())

    def current(self, level: RegionLevel) -> Region | None:
        regions = self.first(level)
        return regions[0][0] if regions else None

    def codes(self, level: RegionLevel) -> frozenset[str]:
        return frozenset(r.code for r, _ in self.first(level))


def _nik_regions(repo: RegionCatalog, code: str | None) -> _NikRegions:
    """Resolve a NIK's ``PPKKCC`` (or a longer/shorter prefix) through the code history."""
    by_level: dict[RegionLevel, tuple[tuple[Region, bool], ...]] = {}
    digits = (code or "")[:6]
    found: tuple[Region, bool] | None = None
    steps: tuple[tuple[int, RegionLevel], ...] = ((6, "kecamatan"), (4, "kabupaten_kota"))
    for length, level in steps:
        if len(digits) >= length and found is None:
            found = repo.resolve(digits[:length])
            if found is not None:
                by_level[level] = (found,)
    historic = found is not None and found[1]
    region = found[0] if found is not None else None
    while region is not None and region.parent is not None:
        region = repo.get(region.parent)
        if region is not None:
            by_level[region.level] = ((region, historic),)
    if len(digits) >= 2:
        stated = repo.get(digits[:2])
        current = by_level.get("provinsi", ())
        if stated is not None and all(r.code != stated.code for r, _ in current):
            by_level["provinsi"] = (*current, (stated, bool(current)))
    return _NikRegions(by_level, historic)


def _fits(entry: NameEntry, kind: RegencyKind | None) -> bool:
    """False when a KOTA/KABUPATEN label on the card contradicts the region's kind."""
    return kind is None or regency_kind(entry.region) == kind


def _search(
    query: PlaceQuery, index: NameIndex, *, preferred: bool, kind_check: bool
) -> list[_Hit]:
    """Every region in ``index`` scoring at least the threshold, best key per region."""
    found: list[tuple[NameEntry, float]] = []
    passes = [(query.key, index.body_keys, index.body_entries, index.body_exact, kind_check)]
    if query.full_key != query.key or index.full_keys is not index.body_keys:
        passes.append(
            (query.full_key, index.full_keys, index.full_entries, index.full_exact, False)
        )
    for q, keys, entries, exact, check_kind in passes:
        if not q:
            continue
        want = query.kind if check_kind else None
        hits = [(i, _EXACT) for i in exact.get(q, ()) if _fits(entries[i], want)]
        if not hits:
            extracted = process.extract(
                q, keys, scorer=Levenshtein.normalized_similarity, score_cutoff=_CUTOFF, limit=None
            )
            hits = [(i, 100.0 * s) for _, s, i in extracted if _fits(entries[i], want)]
            hits = [(i, s) for i, s in hits if s >= MATCH_THRESHOLD - _EPSILON]
        found.extend((entries[i], s) for i, s in hits)
    best: dict[str, _Hit] = {}
    for entry, s in found:
        hit = _Hit(entry.region, s, entry.priority, entry.historic, preferred)
        old = best.get(entry.region.code)
        if old is None or hit.rank() < old.rank():
            best[entry.region.code] = hit
    return sorted(best.values(), key=_Hit.rank)


def _candidates(
    repo: RegionCatalog,
    level: RegionLevel,
    query: PlaceQuery,
    first: Sequence[tuple[Region, bool]],
    scope: str | None,
) -> list[_Hit]:
    kind_check = level == "kabupaten_kota"
    hits: list[_Hit] = []
    for region, historic in first:
        for hit in _search(query, repo.name_index(region.code, level), preferred=True,
                           kind_check=kind_check):  # fmt: skip
            hits.append(_Hit(hit.region, hit.score, hit.priority, hit.historic or historic, True))
    hits.sort(key=_Hit.rank)
    if (hits and hits[0].score >= _EXACT) or scope is None:
        return hits
    wider = _search(query, repo.name_index(scope, level), preferred=False, kind_check=kind_check)
    merged = {h.region.code: h for h in wider}
    merged.update({h.region.code: h for h in hits})  # the NIK's own hit keeps its preference
    return sorted(merged.values(), key=_Hit.rank)


def _agrees(level: RegionLevel, region: Region, nik: _NikRegions) -> bool | None:
    if level in _NIK_LEVELS:
        codes = nik.codes(level)
        return (region.code in codes) if codes else None
    district = nik.current("kecamatan")
    return None if district is None else region.parent == district.code


def match_level(
    repo: RegionCatalog,
    level: RegionLevel,
    text: str | None,
    *,
    first: Sequence[tuple[Region, bool]] = (),
    scope: str | None = "",
) -> RegionMatch:
    """Match one printed name at ``level``: ``first`` candidates, then all inside ``scope``."""
    raw = text or ""
    query = parse_place(raw, level)
    if not query.key and not query.full_key:
        return RegionMatch(level, raw, None, 0.0)
    hits = _candidates(repo, level, query, first, scope)
    if not hits or hits[0].score < _EXACT:
        hits = _with_trimmed(repo, level, raw, hits, first, scope)
    if not hits:
        return RegionMatch(level, raw, None, 0.0)
    top = hits[0]
    if len(hits) > 1 and hits[1].rank()[:3] == top.rank()[:3]:
        return RegionMatch(level, raw, None, round(top.score, 1), ambiguous=True)
    return RegionMatch(level, raw, top.region, round(top.score, 1), historic=top.historic)


#: A name matched after dropping one stray token (a label fragment such as ``AMNATAN`` from
#: ``Kecamatan``, or a ``:`` read as ``A``) scores this much less than the same name read whole.
TRIM_PENALTY = 8.0
#: A trimmed name this close to the region the NIK names is that region, unpenalised: the NIK
#: vouches for it (``AMALAN KESAMII`` under a NIK of Kesambi district).
TRIM_NIK_SCORE = 80.0
#: Only tokens this short are dropped: label fragments and misread separators.
TRIM_MAX_TOKEN = 8


def _trimmed(raw: str) -> list[str]:
    """``raw`` without its first or last token, when that token is short."""
    tokens = raw.split()
    if len(tokens) < 2:
        return []
    out = []
    if len(tokens[0]) <= TRIM_MAX_TOKEN:
        out.append(" ".join(tokens[1:]))
    if len(tokens[-1]) <= TRIM_MAX_TOKEN:
        out.append(" ".join(tokens[:-1]))
    return out


def _with_trimmed(
    repo: RegionCatalog,
    level: RegionLevel,
    raw: str,
    hits: list[_Hit],
    first: Sequence[tuple[Region, bool]],
    scope: str | None,
) -> list[_Hit]:
    """``hits`` plus the matches of ``raw`` with one stray token dropped, scored lower."""
    best = {h.region.code: h for h in hits}
    for variant in _trimmed(raw):
        for hit in _candidates(repo, level, parse_place(variant, level), first, scope):
            vouched = hit.preferred and hit.score >= TRIM_NIK_SCORE
            if hit.score < _EXACT and not vouched:
                continue  # a trimmed name must match exactly: it is already a guess ...
            penalty = 0.0 if vouched else TRIM_PENALTY  # ... unless it is the NIK's own region
            lowered = _Hit(
                hit.region, hit.score - penalty, hit.priority, hit.historic, hit.preferred
            )
            old = best.get(hit.region.code)
            if old is None or lowered.rank() < old.rank():
                best[hit.region.code] = lowered
    return sorted(best.values(), key=_Hit.rank)


def _scope(level: RegionLevel, matched: dict[RegionLevel, Region], nik: _NikRegions) -> str | None:
    """Where to look beyond the NIK's region: the nearest known parent, card first."""
    parents: dict[RegionLevel, tuple[RegionLevel, ...]] = {
        "provinsi": (),
        "kabupaten_kota": ("provinsi",),
        "kecamatan": ("kabupaten_kota", "provinsi"),
        "kelurahan_desa": ("kecamatan", "kabupaten_kota"),
    }
    for parent in parents[level]:
        region = matched.get(parent) or nik.current(parent)
        if region is not None:
            return region.code
    return None if level == "kelurahan_desa" else ""  # never search all 83,762 villages


def match_card(
    repo: RegionRepository,
    *,
    nik_district: str | None,
    provinsi: str | None,
    kabupaten_kota: str | None,
    kecamatan: str | None,
    kelurahan_desa: str | None,
    cut: frozenset[RegionLevel] = frozenset(),
    short_nik_district: str | None = None,
) -> tuple[RegionMatch, ...]:
    """Match a card's four place names; one :class:`RegionMatch` per level, top-down.

    ``cut`` names the levels whose text may have lost letters at either end (glare was seen
    beside it): such a stub is also matched without a NIK, inside the card's own parent
    region (see :func:`_cut_name`). ``short_nik_district`` is the district code that the first
    six digits of a NIK read too short to be given say (glare or blur took some of its later
    digits): where it lies in the card's own parent region, a stub is matched there as if cut.

    ``nik_district`` is the NIK's ``PPKKCC`` (the whole NIK works too); a historic code (an old
    Papua NIK) is followed through the code history. ``agrees_with_nik`` says whether the
    matched region is the NIK's (for the village: lies in the NIK's district); None when the
    NIK's region is unknown or nothing matched. Any :class:`RegionRepository` works; the
    shipped ones also bring the code history and aliases (see :mod:`ktp_ocr.regions.catalog`).
    """
    catalog = as_catalog(repo)
    nik = _nik_regions(catalog, nik_district)
    texts: dict[RegionLevel, str | None] = {
        "provinsi": provinsi,
        "kabupaten_kota": kabupaten_kota,
        "kecamatan": kecamatan,
        "kelurahan_desa": kelurahan_desa,
    }
    matched: dict[RegionLevel, Region] = {}
    out: list[RegionMatch] = []
    for level, text in texts.items():
        first = nik.first(level)
        if level == "kelurahan_desa":
            first = ()
        result = match_level(catalog, level, text, first=first, scope=_scope(level, matched, nik))
        if result.region is None and not result.ambiguous:
            result = (
                _cut_name(
                    catalog, level, text, matched, nik, cut=level in cut, short=short_nik_district
                )
                or result
            )
        if result.region is None and not result.ambiguous and level == "kelurahan_desa":
            result = _near_village(catalog, text, matched, nik) or result
        if result.region is not None:
            matched[level] = result.region
            agrees = _agrees(level, result.region, nik)
            result = RegionMatch(
                level, result.query, result.region, result.score, False, agrees, result.historic
            )
        out.append(result)
    return _header_from_below(_district_from_below(catalog, out, texts, nik), texts, nik)


#: A district read as no name the regency knows is the NIK's when the village under it was read
#: this surely, unless the reading comes this near another district of the regency.
DISTRICT_OTHER_SCORE = 70.0


def _district_from_below(
    repo: RegionCatalog,
    out: list[RegionMatch],
    texts: dict[RegionLevel, str | None],
    nik: _NikRegions,
) -> list[RegionMatch]:
    """The district line, blurred past matching, named by the NIK and the village read under it.

    The NIK's digits name the holder's district; a village read surely (at least
    :data:`HEADER_SURE_SCORE`) that lies in it names it again, for a village lies in one
    district. When the district line was read (``SLSBALDCCHE`` for BALOCCI, the label's tail
    and a blurred name ``IENATAN AHLU`` for AFULU) but matched no district, not even unsurely,
    it is that district, unless what was read comes within :data:`DISTRICT_OTHER_SCORE` of
    another district of the regency: then the line may print another (an older card, a
    district since split). It scores :data:`MATCH_THRESHOLD` and agrees with the NIK. A line
    not read at all is left unread: nothing there was seen.
    """
    levels = [m.level for m in out]
    if "kecamatan" not in levels or "kelurahan_desa" not in levels:
        return out
    i, village = levels.index("kecamatan"), out[levels.index("kelurahan_desa")]
    district, current, text = nik.current("kecamatan"), out[i], texts.get("kecamatan")
    if (
        district is None
        or current.region is not None
        or current.ambiguous
        or not village.agrees_with_nik
        or village.score < HEADER_SURE_SCORE
    ):
        return out
    keys = _read_keys(text, "kecamatan")
    if not any(len(key) >= CUT_MIN_LETTERS for key in keys):
        return out
    index = repo.name_index(district.code[:4], "kecamatan")
    for entry, name in zip(index.body_entries, index.body_keys, strict=True):
        if entry.region.code != district.code and any(
            score(key, name) >= DISTRICT_OTHER_SCORE for key in keys
        ):
            return out
    found = RegionMatch(
        "kecamatan", text or "", district, MATCH_THRESHOLD, agrees_with_nik=True, from_nik=True
    )
    return [*out[:i], found, *out[i + 1 :]]


def _read_keys(text: str | None, level: RegionLevel) -> list[str]:
    """Matching keys of a name as read, whole and without a stray short token (non-empty)."""
    if not text:
        return []
    return [k for k in (parse_place(v, level).key for v in [text, *_trimmed(text)]) if k]


#: Levels of the card's header, which a place under them can vouch for.
HEADER_LEVELS: tuple[RegionLevel, ...] = ("provinsi", "kabupaten_kota")
#: A header name read whole but blurred is the vouched-for region's from this score on: two
#: letters wrong in ten (one more than :data:`MATCH_THRESHOLD` allows on its own).
HEADER_NEAR_SCORE = 70.0
#: A name read cut short is the vouched-for region's when its letters, the last one perhaps
#: misread, start that region's name, from this many letters on.
HEADER_CUT_MIN_LETTERS = 5
#: A matched header name this sure is kept even when a place under it disagrees.
HEADER_SURE_SCORE = 90.0


def _header_from_below(
    out: list[RegionMatch], texts: dict[RegionLevel, str | None], nik: _NikRegions
) -> tuple[RegionMatch, ...]:
    """The header's province and regency mended from a sure place under them that the NIK names.

    The header prints the holder's province and regency; the district and village lines print
    places inside them. When one of those (or, for the province, the regency) was read surely
    and is the NIK's own, the NIK and the printed line are two readings naming the same
    region, and so its parents. A header name that matched nothing, or only unsurely matched
    another region, is then the NIK's region's when what was read fits that name: blurred
    (:data:`HEADER_NEAR_SCORE`), cut short by glare or the frame (its start, or its end), or
    only the ``KABUPATEN``/``KOTA`` before a name glare wiped out. The match scores
    :data:`MATCH_THRESHOLD` and agrees with the NIK. A header read surely is never changed: an
    older card prints the province its region then lay in.
    """
    levels = [m.level for m in out]
    for level in HEADER_LEVELS:
        vouched = nik.current(level)
        if vouched is None or level not in levels:
            continue
        i = levels.index(level)
        if not any(m.agrees_with_nik and m.score >= HEADER_SURE_SCORE for m in out[i + 1 :]):
            continue
        current = out[i]
        if current.region is not None and (
            current.score >= HEADER_SURE_SCORE or current.region.code in nik.codes(level)
        ):
            continue
        text = texts.get(level)
        if text and _fits_header(text, vouched, level):
            out[i] = RegionMatch(
                level, text, vouched, MATCH_THRESHOLD, agrees_with_nik=True, from_nik=True
            )
    return tuple(out)


def _fits_header(text: str, region: Region, level: RegionLevel) -> bool:
    """Whether ``text`` can be a blurred, cut or name-less reading of ``region``'s name."""
    read, official = parse_place(text, level), parse_place(region.name, level)
    if read.kind is not None and official.kind is not None and read.kind != official.kind:
        return False
    key, name = read.key, official.key
    wording = official.kind.upper() if official.kind is not None else ""
    if (
        level == "kabupaten_kota"
        and read.kind is None
        and len(key) >= 4
        and wording[: len(key)] == key
    ):
        return True  # ``KABUPATE``: the name after it lost
    if score(key, name) >= HEADER_NEAR_SCORE:
        return True
    if len(key) < CUT_MIN_LETTERS or len(key) >= len(name):
        return False
    if name.startswith(key) or name.endswith(key):
        return True
    return len(key) >= HEADER_CUT_MIN_LETTERS and name.startswith(key[:-1])


#: A village name read blurred is a village of the NIK's district from this score on (two
#: letters wrong in eight) ...
VILLAGE_NEAR_SCORE = 75.0
#: ... when no other village there comes within this many points of it.
VILLAGE_NEAR_MARGIN = 10.0


def _near_village(
    repo: RegionCatalog, text: str | None, matched: dict[RegionLevel, Region], nik: _NikRegions
) -> RegionMatch | None:
    """The village of the NIK's district that a blurred name, matching none, stands for.

    A village is looked for among the few (ten to thirty) of its district. When the NIK names
    the district (and the card's district, if matched, is that one), a name read with two
    letters wrong in eight (``HOT KAPUR`` for ``KOTA KAPUR``), whole or without a stray short
    token (``A SCLEMADE``), is the one village there it comes that near, and none other within
    :data:`VILLAGE_NEAR_MARGIN`. It scores :data:`MATCH_THRESHOLD` and agrees with the NIK.
    """
    district = nik.current("kecamatan")
    if district is None or not text:
        return None
    card_district = matched.get("kecamatan")
    if card_district is not None and card_district.code != district.code:
        return None
    keys = _read_keys(text, "kelurahan_desa")
    if not keys:
        return None
    index = repo.name_index(district.code, "kelurahan_desa")
    best: dict[str, tuple[float, Region]] = {}
    for entry, name in zip(index.body_entries, index.body_keys, strict=True):
        near = max(score(key, name) for key in keys)
        if near > best.get(entry.region.code, (-1.0, entry.region))[0]:
            best[entry.region.code] = (near, entry.region)
    ranked = sorted(best.values(), key=lambda hit: -hit[0])
    if not ranked or ranked[0][0] < VILLAGE_NEAR_SCORE:
        return None
    if len(ranked) > 1 and ranked[1][0] > ranked[0][0] - VILLAGE_NEAR_MARGIN:
        return None
    return RegionMatch("kelurahan_desa", text, ranked[0][1], MATCH_THRESHOLD, False, True)


#: A name cut short (by glare, or the frame) is matched from this many letters on.
CUT_MIN_LETTERS = 3


def _cut_name(
    repo: RegionCatalog,
    level: RegionLevel,
    text: str | None,
    matched: dict[RegionLevel, Region],
    nik: _NikRegions,
    *,
    cut: bool = False,
    short: str | None = None,
) -> RegionMatch | None:
    """The NIK's district, or a village in it, whose name starts or ends with what was read.

    Glare or the frame edge can wipe out the first or last letters of a place name (``ONG`` for
    ``SEKOTONG``, ``DUKUH`` for ``DUKUHSETI``); no scorer brings such a stub near the whole name.
    It is matched only where the NIK vouches for the place: the NIK's own district, or the
    villages of the NIK's district (when the card's district, if matched, is that one), and
    only when exactly one name there starts or ends with the stub. The match scores
    :data:`MATCH_THRESHOLD`, below an exact reading, and agrees with the NIK.

    Without a NIK, a stub that glare was seen beside (``cut``) is matched the same way inside
    the card's own matched parent (the regency for a district, the district for a village):
    the glare is the evidence that letters are missing. So is a stub whose parent holds the
    district a NIK read too short names (``short``, its first six digits). Such a match does
    not claim to agree with a NIK.
    """
    if level not in ("kecamatan", "kelurahan_desa") or not text:
        return None
    key = parse_place(text, level).key
    district = nik.current("kecamatan")
    if len(key) < CUT_MIN_LETTERS or not key.isalpha():
        return None
    if district is None:
        parent = matched.get("kabupaten_kota" if level == "kecamatan" else "kecamatan")
        if parent is None or not (cut or (short is not None and short.startswith(parent.code))):
            return None
        region = _one_cut(repo, [parent.code], level, key, None)
        return None if region is None else RegionMatch(level, text, region, MATCH_THRESHOLD)
    if level == "kecamatan":
        scopes = [region.code for region, _ in nik.first(level)]
        keep: set[str] | None = set(scopes)  # not what history put inside those codes
    else:
        card_district = matched.get("kecamatan")
        if card_district is not None and card_district.code != district.code:
            return None
        scopes, keep = [district.code], None
    region = _one_cut(repo, scopes, level, key, keep)
    if region is None:
        return None
    return RegionMatch(level, text, region, MATCH_THRESHOLD, False, True)


def _one_cut(
    repo: RegionCatalog, scopes: list[str], level: RegionLevel, key: str, keep: set[str] | None
) -> Region | None:
    """The one region of ``level`` in ``scopes`` whose name starts or ends with ``key``."""
    found: dict[str, Region] = {}
    for scope in scopes:
        index = repo.name_index(scope, level)
        for entry, name in zip(index.body_entries, index.body_keys, strict=True):
            if keep is not None and entry.region.code not in keep:
                continue
            if len(name) > len(key) and (name.startswith(key) or name.endswith(key)):
                found[entry.region.code] = entry.region
    if len(found) != 1:
        return None
    (region,) = found.values()
    return region
