"""Drop-in integrations: Coral Talk's external moderation phase, a Perspective-compatible
``comments:analyze`` and an Akismet-compatible ``comment-check``, so sites call the engine with
the commenting systems and client libraries they already run.

Each protocol module maps requests and answers without HTTP (``coral``, ``perspective``,
``akismet``); ``pipeline`` stores and decides like the webhook does; ``moderation.api.integrations``
serves them. Importing this package registers the integration tables on the service's metadata.
"""

from moderation.integrations import schema as _schema  # noqa: F401  (registers the tables)
