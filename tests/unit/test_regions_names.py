"""Place-name normalization, keys, card names and the scorer: pure, no data needed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ktp_ocr.regions import MATCH_THRESHOLD, card_name, normalize_name, score
from ktp_ocr.regions.names import fold, name_key, parse_place, without_parenthetical
from ktp_ocr.types import Region, RegionMatch


@pytest.mark.parametrize(
    ("text", "level", "expected"),
    [
        ("PROVINSI JAWA BARAT", "provinsi", "JAWA BARAT"),
        ("Prov. Jawa Barat", "provinsi", "JAWA BARAT"),
        ("D.I. Yogyakarta", "provinsi", "DI YOGYAKARTA"),
        ("Kabupaten Bandung", "kabupaten_kota", "BANDUNG"),
        ("KAB. BANDUNG", "kabupaten_kota", "BANDUNG"),
        ("Kota Administrasi Jakarta Selatan", "kabupaten_kota", "JAKARTA SELATAN"),
        ("KOTA ADM. JAKARTA SELATAN", "kabupaten_kota", "JAKARTA SELATAN"),
        ("Kab. Adm. Kep. Seribu", "kabupaten_kota", "KEPULAUAN SERIBU"),
        ("Kota Baru", "kecamatan", "KOTA BARU"),  # a district really called Kota Baru
        ("Desa Baru", "kelurahan_desa", "DESA BARU"),
        ("Ma'u", "kecamatan", "MAU"),
        ("Tanjung Pauh Km. 32", "kelurahan_desa", "TANJUNG PAUH KM 32"),
        ("KOTA", "kabupaten_kota", "KOTA"),  # a label alone is kept
    ],
)
def test_normalize_name(text: str, level: str, expected: str) -> None:
    assert normalize_name(text, level) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "key", "kind"),
    [
        ("KOTA BANDUNG", "BANDUNG", "kota"),
        ("K0TA BANDUNG", "BANDUNG", "kota"),
        ("KABUPATEN BANDUNG", "BANDUNG", "kabupaten"),
        ("KAB BANDUNG", "BANDUNG", "kabupaten"),
        ("BANDUNG", "BANDUNG", None),
        ("KOTABANDUNG", "KOTABANDUNG", None),
        ("JAKARTA SELATAN", "JAKARTASEIATAN", None),
    ],
)
def test_parse_place_keeps_kota_or_kabupaten_as_a_fact(
    text: str, key: str, kind: str | None
) -> None:
    place = parse_place(text, "kabupaten_kota")
    assert (place.key, place.kind) == (key, kind)


def test_full_key_keeps_a_glued_label() -> None:
    assert parse_place("KOTABANDUNG", "kabupaten_kota").full_key == "KOTABANDUNG"
    assert parse_place("KOTA BANDUNG", "kabupaten_kota").full_key == "KOTABANDUNG"
    assert parse_place("KAB. BANDUNG", "kabupaten_kota").full_key == "KABUPATENBANDUNG"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("COBLONG", "C0BL0NG"),
        ("COBLONG", "COB LONG"),
        ("BOJONGLOA KALER", "BOJONGLOAKALER"),
        ("SUKASARI", "5UKA5ARI"),
        ("BABAKAN", "8A8AKAN"),
        ("CILILIN", "C1L1L1N"),
        ("CILILIN", "CI|I|IN"),
        ("KEPULAUAN SERIBU", "KEP. SERIBU"),
        ("TANJUNG PRIOK", "TG. PRIOK"),
        ("PULAU-PULAU BABAR", "PULAU PULAU BABAR"),
        ("MA'U", "MAU"),
    ],
)
def test_ocr_confusions_and_spacing_give_the_same_key(a: str, b: str) -> None:
    assert name_key(a, "kecamatan") == name_key(b, "kecamatan")


def test_different_names_keep_different_keys() -> None:
    assert name_key("RAMUNIA 1", "kelurahan_desa") != name_key("RAMUNIA 2", "kelurahan_desa")
    assert name_key("SUKAJADI", "kecamatan") != name_key("SUKAJAYA", "kecamatan")


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0158 .-'", max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet="ABCDEGHJKMNPQRTUVWXYZ ", min_size=1, max_size=30))
def test_glyph_confusions_never_change_the_key(text: str) -> None:
    confused = text.replace("O", "0").replace("I", "1").replace("S", "5").replace("B", "8")
    assert fold(confused) == fold(text)


def test_score_is_levenshtein_similarity() -> None:
    assert score("BANDUNG", "BANDUNG") == 100
    assert score("JAPAH", "AAPAH") == pytest.approx(80)  # one edit in five: at the threshold
    assert score("GAMBIR", "GAMBIT") >= MATCH_THRESHOLD
    assert score("WOLO", "WALO") < MATCH_THRESHOLD  # four letters: only exact
    assert score("SUKAJADI", "SUKAJAYA") < MATCH_THRESHOLD


@pytest.mark.parametrize(
    ("region", "printed"),
    [
        (Region("31", "Daerah Khusus Ibukota Jakarta", "provinsi"), "DKI JAKARTA"),
        (Region("34", "Daerah Istimewa Yogyakarta", "provinsi"), "DI YOGYAKARTA"),
        (Region("32", "Jawa Barat", "provinsi"), "JAWA BARAT"),
        (Region("3273", "Kota Bandung", "kota", "32"), "KOTA BANDUNG"),
        (Region("3204", "Kabupaten Bandung", "kabupaten", "32"), "KABUPATEN BANDUNG"),
        (Region("3174", "Kota Administrasi Jakarta Selatan", "kota", "31"), "JAKARTA SELATAN"),
        (Region("3101", "Kabupaten Administrasi Kepulauan Seribu", "kabupaten", "31"),
         "KEPULAUAN SERIBU"),
        (Region("327302", "Coblong", "kecamatan", "3273"), "COBLONG"),
        (Region("3273021004", "Dago", "kelurahan", "327302", "40135"), "DAGO"),
    ],
)  # fmt: skip
def test_card_name(region: Region, printed: str) -> None:
    assert card_name(region) == printed


def test_without_parenthetical() -> None:
    assert without_parenthetical("Misool (Misool Utara)") == "Misool"
    assert without_parenthetical("Coblong") is None


# -- stray label fragments -------------------------------------------------------------------


def test_stray_label_fragment_before_a_district_name_still_matches() -> None:
    from ktp_ocr.regions.match import TRIM_PENALTY, match_card
    from ktp_ocr.regions.memory import memory_repository

    repo = memory_repository()
    # 3273 Kota Bandung, 327301 Sukasari; its village list includes Gegerkalong.
    matches = match_card(
        repo,
        nik_district="327301",
        provinsi="JAWA BARAT",
        kabupaten_kota="KOTA BANDUNG",
        kecamatan="AMATAN SUKASARI",
        kelurahan_desa="A GEGERKALONG",
    )
    kecamatan, kelurahan = matches[2], matches[3]
    assert kecamatan.region is not None and kecamatan.region.code == "327301"
    assert kecamatan.score == 100  # the NIK names this district: no penalty
    assert kelurahan.region is not None and kelurahan.region.name.upper() == "GEGERKALONG"
    alone = match_card(
        repo,
        nik_district=None,
        provinsi="JAWA BARAT",
        kabupaten_kota="KOTA BANDUNG",
        kecamatan="AMATAN SUKASARI",
        kelurahan_desa=None,
    )[2]
    assert alone.region is not None and alone.region.code == "327301"
    assert alone.score == 100 - TRIM_PENALTY


@pytest.mark.parametrize(("nik", "found"), [("327301", True), (None, False)])
def test_a_misread_district_after_a_label_fragment_is_the_nik_s_district(
    nik: str | None, found: bool
) -> None:
    """Regression: ``AMALAN KESAMII`` (the tail of ``Kecamatan`` and a blurred name) was not
    snapped to the NIK's own district because a trimmed name had to match exactly."""
    from ktp_ocr.regions.match import TRIM_NIK_SCORE, match_card
    from ktp_ocr.regions.memory import memory_repository

    matches = match_card(
        memory_repository(),
        nik_district=nik,
        provinsi="JAWA BARAT",
        kabupaten_kota="KOTA BANDUNG",
        kecamatan="AMATAN SUKASRI",
        kelurahan_desa=None,
    )
    kecamatan = matches[2]
    if found:
        assert kecamatan.region is not None and kecamatan.region.code == "327301"
        assert kecamatan.score >= TRIM_NIK_SCORE and kecamatan.agrees_with_nik
    else:
        assert kecamatan.region is None or kecamatan.region.code != "327301"


def test_a_long_leading_word_is_not_dropped() -> None:
    from ktp_ocr.regions.match import _trimmed

    assert _trimmed("SUKAMAJUJAYABARU CIDADAP") == ["SUKAMAJUJAYABARU"]
    assert _trimmed("CIDADAP") == []


def _bandung(
    nik: str | None,
    *,
    provinsi: str = "JAWA BARAT",
    kabupaten: str = "KOTA BANDUNG",
    kecamatan: str | None = None,
    kelurahan: str | None = None,
) -> tuple[RegionMatch, ...]:
    """The four matches of a card in Kota Bandung as read, against the shipped regions."""
    from ktp_ocr.regions.match import match_card
    from ktp_ocr.regions.memory import memory_repository

    return match_card(
        memory_repository(),
        nik_district=nik,
        provinsi=provinsi,
        kabupaten_kota=kabupaten,
        kecamatan=kecamatan,
        kelurahan_desa=kelurahan,
    )


@pytest.mark.parametrize(
    ("nik", "kecamatan", "kelurahan", "district", "village"),
    [
        ("327301", "ASARI", None, "327301", None),  # SUKASARI lost its first letters
        ("327301", "SUKAS", None, "327301", None),  # ... or its last
        ("327301", "SUKASARI", "RIJADI", "327301", "3273011004"),  # SARIJADI
        ("327301", None, "GEGERKA", None, "3273011002"),  # GEGERKALONG, no district read
        ("327307", None, "SUKA", None, None),  # SUKAWARNA, SUKAGALIH, SUKABUNGAH: no telling
        (None, "ASARI", None, None, None),  # no NIK to vouch for the district
        ("327301", "ANDIR", "RIJADI", "327305", None),  # the card's district is not the NIK's
        ("327301", "SA", None, None, None),  # too short to tell
    ],
)
def test_a_name_cut_short_is_the_nik_s_place(
    nik: str | None,
    kecamatan: str | None,
    kelurahan: str | None,
    district: str | None,
    village: str | None,
) -> None:
    """Regression: ``ONG`` for ``SEKOTONG``, a district name whose first letters glare wiped out,
    matched nothing although the NIK named that district."""
    matches = _bandung(nik, kecamatan=kecamatan, kelurahan=kelurahan)
    for match, code in ((matches[2], district), (matches[3], village)):
        if code is None:
            assert match.region is None or match.score == 100
        else:
            assert match.region is not None and match.region.code == code
            assert match.score == 100 or match.agrees_with_nik is True
            assert match.score >= MATCH_THRESHOLD


@given(
    village=st.sampled_from(["SUKAWARNA", "SUKAGALIH", "SUKABUNGAH", "CIPEDES", "PASTEUR"]),
    cut=st.integers(min_value=1, max_value=6),
    front=st.booleans(),
)
def test_a_cut_village_is_that_village_or_none(village: str, cut: int, front: bool) -> None:
    """A stub of a village's name never matches another village of the NIK's district."""
    from ktp_ocr.regions.match import match_card
    from ktp_ocr.regions.memory import memory_repository

    repo = memory_repository()
    stub = village[cut:] if front else village[:-cut]
    match = match_card(
        repo,
        nik_district="327307",
        provinsi="JAWA BARAT",
        kabupaten_kota="KOTA BANDUNG",
        kecamatan=None,
        kelurahan_desa=stub,
    )[3]
    if match.region is not None:
        assert normalize_name(match.region.name, "kelurahan_desa") == village


@pytest.mark.parametrize(
    ("nik", "kabupaten", "kecamatan", "regency"),
    [
        ("327301", "KOTA BAND", "SUKASARI", "3273"),  # glare cut the name short
        ("327301", "KOTA BANDUMG", "SUKASARI", "3273"),  # blurred: matched as ever
        ("327301", "KOTA", "SUKASARI", "3273"),  # only the wording before the name left
        ("327301", "KOTA XQZWV", "SUKASARI", None),  # read, but not that name
        ("327301", "KABUPATEN BAND", "SUKASARI", "3204"),  # KABUPATEN is read: not Kota Bandung
        ("327301", "KOTA CIMAHI", "SUKASARI", "3277"),  # read surely: kept
        ("327301", "KOTA BAND", "ANDIR", None),  # the card's district is not the NIK's
        (None, "KOTA BAND", "SUKASARI", None),  # no NIK to vouch for the district
        ("327301", "KOTA BAND", None, None),  # nothing under the header read
    ],
)
def test_a_header_cut_short_is_the_region_the_nik_and_the_district_name(
    nik: str | None, kabupaten: str, kecamatan: str | None, regency: str | None
) -> None:
    """Regression: glare left `KOTA PEKANE` of KOTA PEKANBARU and `KABUPATE` of KABUPATEN
    YAHUKIMO; neither matched, though the NIK and the district read under them named the
    regency. A header read surely, or naming another kind of regency, is never changed."""
    match = _bandung(nik, kabupaten=kabupaten, kecamatan=kecamatan)[1]
    assert (match.region.code if match.region else None) == regency


@pytest.mark.parametrize(
    ("provinsi", "code"),
    [("JAWA BAR", "32"), ("JAWA BRAT", "32"), ("JAWA TENGAH", "33"), ("BANTEN", "36")],
)
def test_a_province_read_unsurely_is_the_one_the_regency_and_nik_name(
    provinsi: str, code: str
) -> None:
    match = _bandung("327301", provinsi=provinsi, kecamatan="SUKASARI")[0]
    assert match.region is not None and match.region.code == code


@pytest.mark.parametrize(
    ("nik", "kecamatan", "kelurahan", "village"),
    [
        ("327301", "SUKASARI", "SAPIJADX", "3273011004"),  # two letters wrong in eight
        ("327301", None, "A SAPIJADX", "3273011004"),  # ... after a stray token
        ("327307", None, "SUKAWAPMA", "3273071003"),  # SUKAWARNA, not SUKABUNGAH or SUKAGALIH
        ("327301", "SUKASARI", "SAPXJXDL", None),  # three wrong: too far
        ("327307", None, "SUKA", None),  # no one village near
        (None, "SUKASARI", "SAPIJADX", None),  # no NIK to name the district
        ("327301", "ANDIR", "SAPIJADX", None),  # the card's district is not the NIK's
    ],
)
def test_a_blurred_village_is_the_one_of_the_nik_s_district_it_comes_near(
    nik: str | None, kecamatan: str | None, kelurahan: str, village: str | None
) -> None:
    """Regression: `HOT KAPUR` (KOTA KAPUR), `A SCLEMADE` (SELEMADEG) and `FLALAYAL` (LALAYAU),
    each two letters from a village of the district the NIK names and far from the others
    there, matched nothing at the scorer's one-in-five."""
    match = _bandung(nik, kecamatan=kecamatan, kelurahan=kelurahan)[3]
    assert (match.region.code if match.region else None) == village
    if village is not None:
        assert match.agrees_with_nik is True and match.score == MATCH_THRESHOLD


@pytest.mark.parametrize(
    ("nik", "kecamatan", "kelurahan", "district"),
    [
        ("327301", "SLXQKZ", "GEGERKALONG", "327301"),  # garbled; the village is Sukasari's
        ("327301", "AMATAN QXZW", "GEGERKALONG", "327301"),  # the label's tail and a garble
        ("327301", None, "GEGERKALONG", None),  # not read: left unread
        ("327301", "XQ", "GEGERKALONG", None),  # too short to be a reading of a name
        ("327301", "XQRZ", "GEGERKALOXX", None),  # the village read unsurely
        (None, "XQRZ", "GEGERKALONG", None),  # no NIK to name the district
        ("327301", "COBLOXX", "GEGERKALONG", None),  # near COBLONG: may print another
        ("327301", "XQRZ", "PASTEUR", None),  # the village is not in the NIK's district
    ],
)
def test_a_garbled_district_is_the_one_the_nik_and_a_sure_village_name(
    nik: str | None, kecamatan: str | None, kelurahan: str, district: str | None
) -> None:
    """Regression: `SLSBALDCCHE` (BALOCCI), `IENATAN AHLU` (AFULU) matched no district though
    the NIK and a village read surely under them both named it."""
    match = _bandung(nik, kecamatan=kecamatan, kelurahan=kelurahan)[2]
    if district is None:
        assert match.region is None or (match.region.code != "327301" and not match.from_nik)
    else:
        assert match.region is not None and match.region.code == district
        assert match.from_nik and match.agrees_with_nik is True
        assert match.score == MATCH_THRESHOLD


def test_a_district_read_as_its_own_name_is_not_said_to_come_from_the_nik() -> None:
    match = _bandung("327301", kecamatan="SUKASARI", kelurahan="GEGERKALONG")[2]
    assert match.region is not None and match.score == 100 and not match.from_nik


@settings(max_examples=60, deadline=None)
@given(
    header=st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVWYZ .", max_size=20),
    village=st.text(alphabet="ABCDEFGHIJKLMNOPRSTUVWYZ .", max_size=16),
)
def test_free_form_header_and_village_text_is_matched_without_error(
    header: str, village: str
) -> None:
    """Whatever is read in the header and the village line under a NIK and a sure district,
    matching ends, and a village found is one of that district's."""
    matches = _bandung("327301", provinsi=header, kabupaten=header, kecamatan="SUKASARI",
                       kelurahan=village)  # fmt: skip
    assert [m.level for m in matches] == [
        "provinsi",
        "kabupaten_kota",
        "kecamatan",
        "kelurahan_desa",
    ]
    found = matches[3].region
    assert found is None or found.parent == "327301"
