"""ktp_ocr.synth."""
