"""Pure text -> value parsers for every card field (no pixels, no engines)."""
