"""mockserver: a high-fidelity mock of the Ion Torrent Suite rundb API v1 and the Ngenea Hub API."""
__version__ = "0.1.0"
