"""Topic rules: which topics a paper gets from the words in its title, keywords and summary.

A rules file (YAML or TOML) maps each topic name to a list of patterns:

    LLM: ['\\bLLMs?\\b', 'large language model']
    "Alignment/RLHF": [RLHF, 'preference optimi[sz]ation', '\\bDPO\\b']

Each pattern is a case-insensitive regular expression (a plain word is one too). A paper
gets a topic when any of its patterns matches its title, keywords or summary.

Applying rules only touches the topics the rules name: a topic an editor added by hand
that no rule mentions is kept.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import yaml


class RulesError(ValueError):
    """A rules file that cannot be used; the message says why and where."""


@dataclass(frozen=True)
class TopicRules:
    patterns: dict  # topic name -> compiled regex (the patterns joined with "|")

    @property
    def topic_names(self):
        return set(self.patterns)

    def matches(self, *texts):
        """The topic names whose patterns match any of `texts`, in the rules' order."""
        text = "\n".join(t for t in texts if t)
        return [name for name, pattern in self.patterns.items() if pattern.search(text)]

    def apply(self, current, *texts):
        """`current` topic names with the rule topics recomputed from `texts`."""
        kept = [name for name in current if name not in self.patterns]
        return kept + [name for name in self.matches(*texts) if name not in kept]


def load_rules(path):
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise RulesError(f"Cannot read the topic rules {path}: {error}") from None
    try:
        data = tomllib.loads(raw) if path.suffix.lower() == ".toml" else yaml.safe_load(raw)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise RulesError(
            f"{path} is not valid {'TOML' if path.suffix.lower() == '.toml' else 'YAML'}: {error}"
        ) from None
    return parse_rules(data, source=str(path))


def parse_rules(data, *, source="rules"):
    if not isinstance(data, dict) or not data:
        raise RulesError(f"{source}: expected a mapping of topic names to lists of patterns.")
    patterns = {}
    for name, value in data.items():
        name = str(name).strip()
        if not name or len(name) > 100:
            raise RulesError(f"{source}: topic names must be 1 to 100 characters, not {name!r}.")
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(p, str) and p for p in items):
            raise RulesError(f"{source}: topic {name!r} needs a list of non-empty patterns.")
        try:
            patterns[name] = re.compile("|".join(f"(?:{p})" for p in items), re.IGNORECASE)
        except re.error as error:
            raise RulesError(
                f"{source}: a pattern of topic {name!r} is not a valid regular expression: {error}"
            ) from None
    return TopicRules(patterns)
