"""Refuse staged files over a size limit (no card photos or models in the repository)."""

import sys
from pathlib import Path

LIMIT_BYTES = 1_000_000
#: Shipped on purpose: the generator's fonts (with their licences in LICENSES/).
ALLOWED = ("src/ktp_ocr/synth/data/fonts/",)


def main(paths: list[str]) -> int:
    too_big = [
        p
        for p in paths
        if Path(p).is_file() and Path(p).stat().st_size > LIMIT_BYTES and not p.startswith(ALLOWED)
    ]
    for path in too_big:
        print(f"{path}: over {LIMIT_BYTES} bytes; card photos and models do not belong here")
    return 1 if too_big else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
