"""The moderator review queue: accounts, claims, human decisions, overturns, stats, history, export.

Everything here is plain functions over a SQLAlchemy ``Session`` (or the service ``Runtime`` when a
callback must be dispatched), so the rules are tested without HTTP; ``moderation.api.review`` and
``moderation.api.ui`` are thin layers on top. Importing this package registers its tables on the
service's metadata (``moderation.review.schema``).
"""

from moderation.review import schema as _schema  # noqa: F401  (registers the tables)
