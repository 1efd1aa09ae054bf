from hypothesis import given
from hypothesis import strategies as st

from ktp_ocr.ocr.recognisers import share_lines


def test_lines_are_dealt_by_cost() -> None:
    # The widest line alone against the rest: 10 | 4 + 3 + 2.
    assert share_lines([4.0, 10.0, 3.0, 2.0], 2) == [[1], [0, 2, 3]]


def test_fewer_lines_than_shares_leave_no_empty_share() -> None:
    assert share_lines([5.0], 4) == [[0]]
    assert share_lines([], 2) == []


@given(st.lists(st.floats(0.1, 40.0), max_size=40), st.integers(1, 4))
def test_every_line_is_read_once_and_the_loads_stay_close(costs: list[float], shares: int) -> None:
    groups = share_lines(costs, shares)
    assert sorted(i for g in groups for i in g) == list(range(len(costs)))
    assert all(g == sorted(g) and g for g in groups)
    assert len(groups) <= shares
    if len(groups) > 1:
        loads = [sum(costs[i] for i in g) for g in groups]
        # Longest-processing-time first: no share exceeds another by more than its dearest line.
        assert max(loads) - min(loads) <= max(costs) + 1e-9
