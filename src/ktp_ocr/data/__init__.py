"""Data files shared by several layers (label spellings)."""
