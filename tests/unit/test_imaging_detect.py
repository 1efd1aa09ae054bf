"""imaging.detect and imaging.deskew on home-made photo scenes (see test_imaging_scenes)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ktp_ocr.imaging.deskew import (
    card_to_image,
    deskew,
    estimate_skew,
    orientation_hint,
    quad_angle,
    rotate180,
    turn_upright,
    warp_card,
)
from ktp_ocr.imaging.detect import ID1_ASPECT, CardDetection, find_card, order_corners

try:
    from test_imaging_scenes import BACKGROUNDS, make_background, make_card, render_scene
except ImportError:  # tests/unit collected as a package
    from tests.unit.test_imaging_scenes import (  # type: ignore[no-redef]
        BACKGROUNDS,
        make_background,
        make_card,
        render_scene,
    )

SIZE = (960, 720)
#: Corner error allowed, as a share of the card's width.
TOLERANCE = 0.03


def corner_error(det: CardDetection, truth: np.ndarray) -> float:
    """Largest corner distance over the card width, up to a 180-degree turn."""
    q = det.quad.astype(np.float64)
    t = truth.astype(np.float64)
    width = np.linalg.norm(t[1] - t[0])
    return min(
        float(np.max(np.linalg.norm(np.roll(q, -s, axis=0) - t, axis=1))) for s in range(4)
    ) / float(width)


def angle_diff(a: float, b: float) -> float:
    d = (a - b) % 180.0
    return min(d, 180.0 - d)


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("rotation", [0, 90, 180, 270, 35])
def test_finds_card_on_backgrounds_and_rotations(background: str, rotation: float) -> None:
    rng = np.random.default_rng([BACKGROUNDS.index(background), int(rotation)])
    scene = render_scene(rng, background=background, size=SIZE, rotation=rotation)
    det = find_card(scene.image)
    assert det is not None
    assert corner_error(det, scene.corners) < TOLERANCE
    assert det.quad.shape == (4, 2) and det.quad.dtype == np.float32
    assert 0.0 < det.score <= 1.0


@pytest.mark.parametrize(
    ("seed", "trouble"),
    [
        (1, {"perspective": 0.12, "rotation": 8}),
        (2, {"perspective": 0.12, "rotation": -160}),
        (3, {"shadow": True, "rotation": 5}),
        (4, {"glare": True}),
        (5, {"blur": 3.0, "rotation": -6}),
        (6, {"noise": 12, "jpeg": 40}),
        (7, {"haze": True, "rotation": 4}),
        (8, {"card_fraction": 0.1, "rotation": 120}),
        (9, {"size": (480, 360), "rotation": 10}),
    ],
)
def test_finds_card_under_photo_troubles(seed: int, trouble: dict[str, object]) -> None:
    rng = np.random.default_rng(seed)
    kw: dict[str, object] = {"background": BACKGROUNDS[seed % len(BACKGROUNDS)], "size": SIZE}
    kw.update(trouble)
    scene = render_scene(rng, **kw)  # type: ignore[arg-type]
    det = find_card(scene.image)
    assert det is not None
    assert corner_error(det, scene.corners) < TOLERANCE


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_card_with_a_corner_out_of_frame(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    w, h = SIZE
    for _ in range(200):
        off = (float(rng.uniform(-0.3, 0.3)), float(rng.uniform(-0.3, 0.3)))
        scene = render_scene(
            rng,
            background="wood",
            size=SIZE,
            card_fraction=0.3,
            offset=off,
            rotation=float(rng.uniform(-15, 15)),
        )
        c = scene.corners
        outside = (c[:, 0] < 0) | (c[:, 0] > w) | (c[:, 1] < 0) | (c[:, 1] > h)
        if outside.sum() == 1:
            break
    det = find_card(scene.image)
    assert det is not None
    assert corner_error(det, scene.corners) < 2 * TOLERANCE  # one corner is extrapolated


def test_flat_scan_filling_the_frame() -> None:
    card = make_card(np.random.default_rng(5))
    det = find_card(card)
    assert det is not None
    h, w = card.shape[:2]
    full = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float64)
    assert np.max(np.abs(order_corners(det.quad) - full)) < 0.03 * w


def test_scan_with_a_margin() -> None:
    card = make_card(np.random.default_rng(6))
    page = cv2.copyMakeBorder(card, 40, 60, 30, 50, cv2.BORDER_CONSTANT, value=(245, 245, 245))
    det = find_card(page)
    assert det is not None
    h, w = card.shape[:2]
    truth = np.array([[30, 40], [30 + w, 40], [30 + w, 40 + h], [30, 40 + h]], np.float32)
    assert np.max(np.abs(order_corners(det.quad) - truth)) < 0.02 * w


def _nothing_images() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(0)
    _, xx = np.mgrid[0:480, 0:640].astype(np.float32)
    wall = 170 + 25 * np.sin(xx / 200.0) + rng.normal(0, 3, (480, 640))
    return [
        ("white", np.full((480, 640, 3), 255, np.uint8)),
        ("grey", np.full((480, 640, 3), 128, np.uint8)),
        ("noise", rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)),
        ("wall", np.repeat(np.clip(wall, 0, 255).astype(np.uint8)[:, :, None], 3, axis=2)),
        ("gradient", np.repeat((xx / 640 * 255).astype(np.uint8)[:, :, None], 3, axis=2)),
        *((bg, make_background(rng, bg, 480, 640)) for bg in ("wood", "fabric", "keyboard")),
    ]


@pytest.mark.parametrize(("name", "image"), _nothing_images(), ids=lambda v: str(v)[:8])
def test_no_card_gives_none(name: str, image: np.ndarray) -> None:
    assert find_card(image) is None, name


def test_tiny_and_grey_inputs() -> None:
    assert find_card(np.zeros((4, 4), np.uint8)) is None
    scene = render_scene(np.random.default_rng(3), background="desk", size=SIZE)
    grey = cv2.cvtColor(scene.image, cv2.COLOR_BGR2GRAY)
    det = find_card(grey)
    assert det is not None and corner_error(det, scene.corners) < TOLERANCE


def test_order_corners() -> None:
    # a portrait quad given in scrambled order: long side first, clockwise
    pts = np.array([[10, 200], [110, 0], [10, 0], [110, 200]], np.float64)
    q = order_corners(pts)
    sides = [np.linalg.norm(q[(i + 1) % 4] - q[i]) for i in range(4)]
    assert sides[0] > sides[1]
    d = np.diff(np.vstack([q, q[:1]]), axis=0)
    cross = d[:-1, 0] * d[1:, 1] - d[:-1, 1] * d[1:, 0]
    assert np.all(cross > 0)  # clockwise on screen (y down)
    landscape = np.array([[0, 0], [160, 0], [160, 100], [0, 100]], np.float64)
    assert np.allclose(order_corners(landscape[[2, 0, 3, 1]]), landscape)


# --------------------------------------------------------------------------- deskew


def test_warp_card_is_landscape_id1() -> None:
    scene = render_scene(np.random.default_rng(11), background="fabric", size=SIZE, rotation=90)
    det = find_card(scene.image)
    assert det is not None
    card = warp_card(scene.image, det.quad, width=800)
    assert card.shape == (round(800 / ID1_ASPECT), 800, 3)
    # portrait quad given TL->TR along the short side still comes out landscape
    short_first = np.roll(det.quad, 1, axis=0)
    assert warp_card(scene.image, short_first, width=800).shape == card.shape


def test_warp_card_downscales_big_cards_without_error() -> None:
    card = cv2.resize(make_card(np.random.default_rng(2)), (3424, 2160))
    h, w = card.shape[:2]
    quad = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    out = warp_card(card, quad, width=600)
    assert out.shape == (round(600 / ID1_ASPECT), 600, 3)


def test_orientation_hint() -> None:
    rng = np.random.default_rng(4)
    for colour in ("red", "blue"):
        card = cv2.resize(make_card(rng, photo_colour=colour), (1200, 757))
        assert orientation_hint(card) > 0.3
        assert orientation_hint(rotate180(card)) < -0.3
        grey = cv2.cvtColor(cv2.cvtColor(card, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
        assert orientation_hint(grey) > 0  # photocopy: the solid dark mass still counts
    assert orientation_hint(np.full((757, 1200, 3), 230, np.uint8)) == 0.0


def test_warped_upside_down_card_is_flagged() -> None:
    scene = render_scene(np.random.default_rng(12), background="wood", size=SIZE, rotation=180)
    det = find_card(scene.image)
    assert det is not None
    card = warp_card(scene.image, det.quad)
    upright = rotate180(card) if orientation_hint(card) < 0 else card
    assert orientation_hint(upright) > 0.3
    assert abs(estimate_skew(upright)) < 1.0


_CARD = cv2.resize(make_card(np.random.default_rng(9)), (1000, 631))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(theta=st.floats(-20, 20))
def test_estimate_skew_recovers_small_tilts(theta: float) -> None:
    tilted = deskew(_CARD, -theta)  # rotate the content by +theta
    assert abs(estimate_skew(tilted) - theta) <= 1.0
    assert abs(estimate_skew(deskew(tilted, estimate_skew(tilted)))) <= 1.0


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    theta=st.floats(-20, 20),
    seed=st.integers(0, 2**16),
    background=st.sampled_from(BACKGROUNDS),
)
def test_detect_then_deskew_within_one_degree(theta: float, seed: int, background: str) -> None:
    rng = np.random.default_rng(seed)
    scene = render_scene(rng, background=background, size=SIZE, rotation=theta)
    det = find_card(scene.image)
    assert det is not None
    assert angle_diff(quad_angle(det.quad), theta) <= 1.0
    card = warp_card(scene.image, det.quad, width=1000)
    if orientation_hint(card) < 0:
        card = rotate180(card)
    assert abs(estimate_skew(card)) <= 1.0


@settings(max_examples=40, deadline=None)
@given(angle=st.floats(-180, 180), w=st.integers(40, 400), h=st.integers(40, 400))
def test_turn_upright_keeps_the_whole_image_and_maps_points(angle: float, w: int, h: int) -> None:
    """A marked pixel lands where the returned matrix says, and no corner is cut off."""
    image = np.zeros((h, w, 3), np.uint8)
    y, x = h // 3, w // 4
    image[y - 2 : y + 3, x - 2 : x + 3] = 255
    turned, m = turn_upright(image, angle)
    px, py = m @ np.array([x, y, 1.0])
    ys, xs = np.nonzero(turned[:, :, 0] > 127)
    assert abs(xs.mean() - px) < 1.5 and abs(ys.mean() - py) < 1.5
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], float) @ m.T
    th, tw = turned.shape[:2]
    assert corners[:, 0].min() > -1 and corners[:, 0].max() < tw + 1
    assert corners[:, 1].min() > -1 and corners[:, 1].max() < th + 1


def test_turn_upright_levels_content_at_the_angle() -> None:
    """A line drawn at ``angle`` (image axes, y down) comes out level."""
    image = np.zeros((300, 300, 3), np.uint8)
    cv2.line(image, (50, 250), (250, 50), (255, 255, 255), 3)  # -45 degrees (rising)
    turned, _ = turn_upright(image, -45.0)
    ys, xs = np.nonzero(turned[:, :, 0] > 127)
    assert np.ptp(ys) < 8 and np.ptp(xs) > 250


@pytest.mark.parametrize("start", [0, 1])
def test_card_points_map_back_to_the_photo(start: int) -> None:
    """The flattened card's corners land on the quad's, whichever corner the quad starts at."""
    quad = np.array([[100, 50], [740, 80], [720, 480], [90, 440]], np.float64)
    # Starting on a short side (BL -> TL), warp_card starts at the next corner.
    given = np.array([quad[3], quad[0], quad[1], quad[2]]) if start else quad
    back = card_to_image(given, width=800)
    h = round(800 / ID1_ASPECT)
    corners = np.array([[0, 0], [800, 0], [800, h], [0, h]], np.float64).reshape(-1, 1, 2)
    mapped = cv2.perspectiveTransform(corners, back).reshape(-1, 2)
    np.testing.assert_allclose(mapped, quad, atol=1e-6)


def test_a_line_of_a_card_read_turned_maps_to_the_right_place() -> None:
    from ktp_ocr.pipeline.frames import to_photo
    from ktp_ocr.types import BBox, OcrLine

    quad = np.array([[0, 0], [1000, 0], [1000, 630], [0, 630]], np.float64)
    back = card_to_image(quad, width=1000)
    h = round(1000 / ID1_ASPECT)
    line = OcrLine("NIK", BBox(10, 20, 110, 60), 0.9, ((10, 20), (110, 20), (110, 60), (10, 60)))
    upright = to_photo(line, back, 1000, h, turned=False)
    turned = to_photo(line, back, 1000, h, turned=True)
    assert upright is not None and turned is not None
    assert upright.box.x0 == pytest.approx(10, abs=1)
    assert turned.quad is not None and turned.quad[0][0] == pytest.approx(990, abs=1)
    assert turned.box.y1 == pytest.approx(630 - 20 * 630 / h, abs=1)
    assert to_photo(OcrLine("NIK", BBox(0, 0, 1, 1), 0.9), back, 1000, h, turned=False) is None


def test_runner_up_outlines_apart_from_the_best_are_kept() -> None:
    """The reader tries the next outline when the best one reads as no card (a patch of a
    checked sheet outscored a dim card beside it): only outlines scoring enough and lying
    apart from the chosen one and from each other are kept, best first."""
    from ktp_ocr.imaging.detect import MAX_OTHERS, MIN_SCORE, _others
    from ktp_ocr.imaging.proposals import _Candidate

    def box(x: float, y: float, w: float, h: float) -> np.ndarray:
        return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], np.float64)

    best = _Candidate(box(0, 0, 300, 190), "colour", 0.64)
    inner = _Candidate(box(20, 20, 200, 126), "edges", 0.6)  # inside the best: the same find
    card = _Candidate(box(400, 300, 250, 158), "colour", 0.45)
    near = _Candidate(box(410, 305, 240, 150), "edges", 0.44)  # the card again
    faint = _Candidate(box(0, 400, 100, 63), "edges", MIN_SCORE - 0.01)
    got = _others((best,), [best, inner, card, near, faint])
    assert [c.method for c in got] == ["colour"][:MAX_OTHERS]
    assert got[0] is card


def test_a_detection_carries_its_runner_ups_apart_from_the_card() -> None:
    scene = render_scene(np.random.default_rng(3), background=BACKGROUNDS[0], size=SIZE)
    found = find_card(scene.image)
    assert found is not None
    for other in found.others:
        assert other.shape == (4, 2) and other.dtype == np.float32
        assert corner_error(CardDetection(other, 0.5, "colour"), scene.corners) > TOLERANCE


def test_a_degenerate_outline_counts_as_overlapping() -> None:
    from ktp_ocr.imaging.detect import _overlap

    square = np.array([[0, 0], [10, 0], [10, 10], [0, 10]], np.float64)
    flat = np.array([[0, 0], [10, 0], [20, 0], [5, 0]], np.float64)
    apart = square + 100
    assert _overlap(square, flat) == 1.0
    assert _overlap(square, apart) == 0.0
    assert _overlap(square, square) == pytest.approx(1.0)
