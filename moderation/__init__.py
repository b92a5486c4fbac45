"""Comment moderation engine: the posted guidelines as policy, rules plus a model, explainable decisions."""

__version__ = "0.1.0"
ENGINE_VERSION = __version__
