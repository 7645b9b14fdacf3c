"""The resource engine shared by both dialects: collections in the store, Django-style lookups, ordering.

Dialects parse requests and render responses in their framework's conventions; they run every query and
write through here, so both APIs store, filter, order and number rows the same way.
"""
from .collection import SEQUENCES, Collection, IdTaken
from .lookups import LOOKUPS, matches, parse_datetime_value
from .memo import RowMemo
from .ordering import order_rows

__all__ = ["LOOKUPS", "SEQUENCES", "Collection", "IdTaken", "RowMemo", "matches", "order_rows", "parse_datetime_value"]
