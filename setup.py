"""Build hook for the optional C speed-up of the rule layer
(moderation/rules/native/_plainscan.c).

Everything else about the package is in pyproject.toml. ``optional=True``: without a C compiler
the install still succeeds and moderation.rules.plain uses its pure-Python loop instead.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("moderation.rules.native._plainscan",
                             ["moderation/rules/native/_plainscan.c"], optional=True)])
