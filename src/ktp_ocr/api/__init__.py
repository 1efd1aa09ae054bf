"""ktp_ocr.api."""
