"""ktp_ocr.bench."""
