"""Pure models used by the chapters: no I/O, no plotting, no global state."""
