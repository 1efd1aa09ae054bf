"""Pixels only (numpy / OpenCV): decoding, finding the card, flattening, quality."""
