"""ktp_ocr.heap: large blocks mapped on their own, where the C library is glibc."""

from __future__ import annotations

import platform

import numpy as np
import pytest

from ktp_ocr import heap


def test_glibc_takes_the_setting() -> None:
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        pytest.skip("glibc only")
    assert heap.return_large_blocks() is True
    # allocating and freeing a photo-sized array works as before
    photo = np.ones((3000, 4000, 3), np.uint8)
    assert int(photo[::1000, ::1000].sum()) == 3 * 4 * 3
    del photo


def test_elsewhere_nothing_is_done(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap.platform, "system", lambda: "Darwin")
    assert heap.return_large_blocks() is False
    monkeypatch.setattr(heap.platform, "system", lambda: "Linux")
    monkeypatch.setattr(heap.platform, "libc_ver", lambda: ("musl", "1.2"))
    assert heap.return_large_blocks() is False


def test_no_c_library_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap.platform, "system", lambda: "Linux")
    monkeypatch.setattr(heap.platform, "libc_ver", lambda: ("glibc", "2.36"))
    monkeypatch.setattr(heap.ctypes.util, "find_library", lambda _name: None)
    assert heap.return_large_blocks() is False
