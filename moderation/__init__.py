"""Comment moderation engine: guidelines as policy, rules plus a model, explained verdicts."""

__version__ = "0.1.0"
ENGINE_VERSION = __version__
