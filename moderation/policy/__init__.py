"""The policy lifecycle: the YAML schema and its loading (``schema``, ``merge``, ``sources``,
``regex_safety``), and what happens to a policy once it is in service (``versions`` in the store,
``live`` reload, ``admin`` operations, the per-site ``registry``, ``backtest``).

Only the document half is re-exported here, so that importing ``moderation.policy`` (as the
engine and the rules do) never pulls in the store or the engine.
"""

from moderation.policy.schema import (
    Category,
    ContactRules,
    LinkRules,
    Policy,
    PolicyDocument,
    PolicyError,
    RelevanceRules,
    default_policy_path,
    find_policy_file,
    json_schema,
    load_policy,
    parse_policy_text,
    parse_word_list,
    policy_dirs,
    policy_from_bundle,
)

__all__ = ["Category", "ContactRules", "LinkRules", "Policy", "PolicyDocument", "PolicyError",
           "RelevanceRules", "default_policy_path", "find_policy_file", "json_schema",
           "load_policy", "parse_policy_text", "parse_word_list", "policy_dirs",
           "policy_from_bundle"]
