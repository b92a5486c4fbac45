"""Compiled speed-ups of the rule layer (``_plainscan.c``, built by setup.py when a C compiler is
there). A package of its own, importing nothing, so that the rule modules that use it do not
import the ``moderation.rules`` package they belong to; each caller keeps a pure-Python fallback.
"""
