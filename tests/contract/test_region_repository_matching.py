"""Matching printed place names, on every repository: regressions and OCR-noise properties."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ktp_ocr.regions import (
    MATCH_THRESHOLD,
    RegionCatalog,
    card_name,
    match_card,
    match_level,
    memory_repository,
    score,
)
from ktp_ocr.regions.names import name_key
from ktp_ocr.types import Region, RegionMatch

PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Sampled from the memory copy (same data everywhere): every district of Java and Bali.
_MEMORY = memory_repository()
DISTRICTS: list[Region] = [
    d
    for p in ("31", "32", "33", "34", "35", "36", "51")
    for d in _MEMORY.regions_within(p, "kecamatan")
]
REGENCIES: list[Region] = list(_MEMORY.regions_within("", "kabupaten_kota"))
OCR_SWAPS = {"O": "0", "I": "1", "L": "1", "S": "5", "B": "8"}


def codes(matches: tuple[RegionMatch, ...]) -> list[str | None]:
    return [m.region.code if m.region else None for m in matches]


def card(
    regions_repo: RegionCatalog, nik: str | None, *names: str | None
) -> tuple[RegionMatch, ...]:
    provinsi, kabupaten_kota, kecamatan, kelurahan_desa = names
    return match_card(
        regions_repo,
        nik_district=nik,
        provinsi=provinsi,
        kabupaten_kota=kabupaten_kota,
        kecamatan=kecamatan,
        kelurahan_desa=kelurahan_desa,
    )


# --- regressions ----------------------------------------------------------------------------


def test_full_bandung_card_with_nik(regions_repo: RegionCatalog) -> None:
    result = card(regions_repo, "327302", "JAWA BARAT", "KOTA BANDUNG", "COBLONG", "DAGO")
    assert codes(result) == ["32", "3273", "327302", "3273021004"]
    assert [m.level for m in result] == [
        "provinsi",
        "kabupaten_kota",
        "kecamatan",
        "kelurahan_desa",
    ]
    assert all(m.score == 100 and m.agrees_with_nik and not m.ambiguous for m in result)
    village = result[3].region
    assert village is not None and village.postal_code == "40135"


@pytest.mark.parametrize(
    ("printed", "nik", "expected"),
    [
        ("KOTA BANDUNG", None, "3273"),
        ("KABUPATEN BANDUNG", None, "3204"),
        ("KAB. BANDUNG", None, "3204"),
        ("KOTABANDUNG", None, "3273"),  # label glued by OCR
        ("BANDUNG", "327302", "3273"),  # unlabelled: the NIK decides
        ("BANDUNG", "320405", "3204"),
        ("KOTA BANDUNG", "320405", "3273"),  # the label is a fact, even against the NIK
    ],
)
def test_kota_and_kabupaten_stay_apart(
    regions_repo: RegionCatalog, printed: str, nik: str | None, expected: str
) -> None:
    result = card(regions_repo, nik, "JAWA BARAT", printed, None, None)
    assert codes(result)[1] == expected


def test_unlabelled_name_shared_by_kota_and_kabupaten_is_ambiguous(
    regions_repo: RegionCatalog,
) -> None:
    regency = card(regions_repo, None, "JAWA BARAT", "BANDUNG", None, None)[1]
    assert regency.region is None and regency.ambiguous and regency.score == 100


@pytest.mark.parametrize(
    ("nik", "names", "expected"),
    [
        ("317101", ("DKI JAKARTA", "JAKARTA PUSAT", "GAMBIR", "GAMBIR"), "3171"),
        (
            "317407",
            ("PROVINSI DKI JAKARTA", "JAKARTA SELATAN", "KEBAYORAN BARU", "SENAYAN"),
            "3174",
        ),
        (None, ("DKI JAKARTA", "KOTA ADM. JAKARTA SELATAN", "KEBAYORAN BARU", "SENAYAN"), "3174"),
        (None, ("D.K.I. JAKARTA", "JAKARTA SELATAN", "KEBAYORAN BARU", "SENAYAN"), "3174"),
    ],
)
def test_jakarta_cards(
    regions_repo: RegionCatalog, nik: str | None, names: tuple[str, ...], expected: str
) -> None:
    result = card(regions_repo, nik, *names)
    assert codes(result)[:2] == ["31", expected]
    assert all(m.region is not None for m in result)
    assert card_name(result[0].region) == "DKI JAKARTA"  # type: ignore[arg-type]


def test_old_jayawijaya_card_matches_today_marked_historic(regions_repo: RegionCatalog) -> None:
    result = card(regions_repo, "910203", "PAPUA", "KABUPATEN JAYAWIJAYA", "KURULU", None)
    province, regency, district, village = result
    assert codes(result) == ["91", "9501", "950102", None]
    assert all(m.agrees_with_nik and m.historic for m in (province, regency, district))
    assert village.region is None and village.query == ""


def test_old_card_without_nik_follows_history(regions_repo: RegionCatalog) -> None:
    result = card(regions_repo, None, "PAPUA", "KABUPATEN JAYAWIJAYA", "KURULU", None)
    assert codes(result)[:3] == ["91", "9501", "950102"]
    assert result[1].historic  # Jayawijaya left 91 in 2022
    assert result[0].agrees_with_nik is None


def test_card_header_today_with_an_old_nik(regions_repo: RegionCatalog) -> None:
    result = card(regions_repo, "910203", "PAPUA PEGUNUNGAN", "JAYAWIJAYA", "KURULU", "")
    assert codes(result)[:3] == ["95", "9501", "950102"]
    assert all(m.agrees_with_nik for m in result[:3])


def test_old_spelling_from_history(regions_repo: RegionCatalog) -> None:
    regency = card(regions_repo, None, "SUMATERA UTARA", "KAB. TOBA SAMOSIR", None, None)[1]
    assert regency.region is not None and regency.region.code == "1212" and regency.historic


def test_address_elsewhere_than_the_nik(regions_repo: RegionCatalog) -> None:
    # NIK issued in Coblong, the person now lives in Sukasari: a signal, not an error.
    result = card(regions_repo, "327302", "JAWA BARAT", "KOTA BANDUNG", "SUKASARI", None)
    assert codes(result)[2] == "327301"
    assert result[2].agrees_with_nik is False
    assert result[1].agrees_with_nik is True


@pytest.mark.parametrize(
    "names",
    [
        ("JAWA 8ARAT", "K0TA BANDUNG", "C0BL0NG", "DAG0"),
        ("JAWABARAT", "KOTA BAN DUNG", "COB LONG", "D A G O"),
        ("PROVINSI JAWA BARAT", "KOTA BANDUNC", "COBLONO", "DAGO"),
        ("JAWA BARAT", "KOTA BANDUNG", "KEC. COBLONG", "KEL. DAGO"),
    ],
)
def test_ocr_noise_on_a_known_card(regions_repo: RegionCatalog, names: tuple[str, ...]) -> None:
    result = card(regions_repo, None, *names)
    assert codes(result) == ["32", "3273", "327302", "3273021004"]
    assert all(MATCH_THRESHOLD <= m.score <= 100 for m in result)


def test_many_villages_called_sukamaju(regions_repo: RegionCatalog) -> None:
    # Kabupaten Cianjur has six SUKAMAJU villages, in six districts.
    found: dict[str, list[str]] = defaultdict(list)
    for village in regions_repo.regions_within("3203", "kelurahan_desa"):
        if name_key(village.name, "kelurahan_desa") == "SUKAMAJU":
            found[village.parent or ""].append(village.code)
    assert len(found) >= 2
    without_district = card(
        regions_repo, None, "JAWA BARAT", "KABUPATEN CIANJUR", None, "SUKAMAJU"
    )[3]
    assert without_district.region is None and without_district.ambiguous
    district = next(iter(found))
    district_name = regions_repo.get(district).name  # type: ignore[union-attr]
    with_district = card(
        regions_repo, None, "JAWA BARAT", "KABUPATEN CIANJUR", district_name, "SUKAMAJU"
    )
    assert with_district[3].region is not None
    assert with_district[3].region.code in found[district]


def test_garbage_matches_nothing(regions_repo: RegionCatalog) -> None:
    result = card(regions_repo, None, "XQZWV", "QQQQ", "ZZZZZZZ", "WWWWW")
    assert all(m.region is None and not m.ambiguous for m in result)
    assert all(m.agrees_with_nik is None for m in result)
    empty = card(regions_repo, None, None, "", "...", None)
    assert all(m.region is None and m.score == 0 for m in empty)


# --- properties -----------------------------------------------------------------------------


@st.composite
def ocr_noise(draw: st.DrawFn, name: str) -> str:
    """``name`` upper-cased with OCR glyph confusions, split/glued words and maybe one typo."""
    chars = list(name.upper())
    for i, ch in enumerate(chars):
        if ch in OCR_SWAPS and draw(st.booleans()):
            chars[i] = OCR_SWAPS[ch]
    text = "".join(chars)
    if " " in text and draw(st.booleans()):
        text = text.replace(" ", "", 1)  # glued words
    letters = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(name_key(name, "kecamatan")) >= 5 and letters and draw(st.booleans()):
        i = draw(st.sampled_from(letters))
        typo = draw(st.sampled_from("ABCDEFGHJKMNPQRTUVWXYZ"))
        text = text[:i] + typo + text[i + 1 :]
    elif len(letters) > 3 and draw(st.booleans()):
        i = draw(st.sampled_from(letters[1:]))
        text = text[:i] + " " + text[i:]  # a split word
    return text


@PROPERTY
@given(data=st.data(), district=st.sampled_from(DISTRICTS))
def test_noisy_district_name_still_matches(
    regions_repo: RegionCatalog, data: st.DataObject, district: Region
) -> None:
    noisy = data.draw(ocr_noise(district.name))
    match = match_level(regions_repo, "kecamatan", noisy, scope=district.parent)
    truth_score = score(name_key(noisy, "kecamatan"), name_key(district.name, "kecamatan"))
    assert truth_score >= MATCH_THRESHOLD
    if match.region is None:
        assert match.ambiguous  # a sibling is exactly as close
    elif match.region.code != district.code:
        assert match.score >= truth_score  # a sibling is closer to the noisy text
    else:
        assert match.score == pytest.approx(truth_score, abs=0.1)


@PROPERTY
@given(data=st.data(), district=st.sampled_from(DISTRICTS))
def test_noisy_card_with_its_nik_matches_the_nik_district(
    regions_repo: RegionCatalog, data: st.DataObject, district: Region
) -> None:
    regency = regions_repo.get(district.parent or "")
    assert regency is not None
    province = regions_repo.get(regency.parent or "")
    assert province is not None
    noisy = data.draw(ocr_noise(district.name))
    result = card(regions_repo, district.code, card_name(province), card_name(regency), noisy, None)
    assert codes(result)[:3] == [province.code, regency.code, district.code]
    assert all(m.agrees_with_nik for m in result[:3])


@PROPERTY
@given(district=st.sampled_from(DISTRICTS), other=st.sampled_from(REGENCIES))
def test_district_name_from_another_regency_does_not_match(
    regions_repo: RegionCatalog, district: Region, other: Region
) -> None:
    assume(other.code != district.parent)
    key = name_key(district.name, "kecamatan")
    inside = regions_repo.regions_within(other.code, "kecamatan")
    closest = max(score(key, name_key(d.name, "kecamatan")) for d in inside)
    match = match_level(regions_repo, "kecamatan", district.name, scope=other.code)
    assert match.region is None or match.region.parent == other.code
    assert match.region != district
    if closest < MATCH_THRESHOLD:
        assert match.region is None and not match.ambiguous
    # With the other regency's NIK, the NIK never vouches for a name that is not its own.
    nik_district = inside[0]
    result = card(regions_repo, nik_district.code, None, card_name(other), district.name, None)
    if score(key, name_key(nik_district.name, "kecamatan")) < MATCH_THRESHOLD:
        assert result[2].region != nik_district
        assert result[2].agrees_with_nik is not True


def test_a_name_glare_cut_short_matches_in_the_cards_own_regency(
    regions_repo: RegionCatalog,
) -> None:
    """Regression: with the NIK lost to glare, ``ANJANG`` (for ``GUGUAK PANJANG``) and ``UHUN``
    (for ``BUKIK APIK PUHUN``) matched nothing; glare beside them says letters are missing."""
    names = ("SUMATERA BARAT", "KOTA BUKITTINGGI", "ANJANG", "UHUN")
    plain = card(regions_repo, None, *names)
    assert codes(plain)[:2] == ["13", "1375"] and codes(plain)[2:] == [None, None]
    cut = match_card(
        regions_repo,
        nik_district=None,
        provinsi=names[0],
        kabupaten_kota=names[1],
        kecamatan=names[2],
        kelurahan_desa=names[3],
        cut=frozenset({"kecamatan", "kelurahan_desa"}),
    )
    assert codes(cut)[:3] == ["13", "1375", "137501"]
    assert cut[2].score == MATCH_THRESHOLD and cut[2].agrees_with_nik is None
    village = cut[3].region
    assert village is not None and village.name == "Bukik Apik Puhun"
    # a stub two names share, one too short, or no regency read: nothing is guessed
    for kecamatan, kabupaten in (("AN", "KOTA BUKITTINGGI"), ("ANJANG", None)):
        other = match_card(
            regions_repo,
            nik_district=None,
            provinsi=None,
            kabupaten_kota=kabupaten,
            kecamatan=kecamatan,
            kelurahan_desa=None,
            cut=frozenset({"kecamatan"}),
        )
        assert other[2].region is None
    for kecamatan, found in (
        ("GUGUAK PANJANG", "Bukik Apik Puhun"),
        ("MANDIANGIN KOTO SELAYAN", None),
    ):
        # one village of Guguak Panjang ends with PUHUN; two of Mandiangin start with it
        village_of = match_card(
            regions_repo,
            nik_district=None,
            provinsi=None,
            kabupaten_kota="KOTA BUKITTINGGI",
            kecamatan=kecamatan,
            kelurahan_desa="PUHUN",
            cut=frozenset({"kelurahan_desa"}),
        )
        assert village_of[2].region is not None  # the district itself is read whole
        got = village_of[3].region
        assert (got.name if got else None) == found
