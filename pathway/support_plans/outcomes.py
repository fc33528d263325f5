"""The outcomes check: an outcome says what the child will be able to do, by when; it never
names a placement, a provider or a service (those are provision).

Advice and plans often write "a place at a specialist nursery" or "speech and language therapy
sessions" as an outcome. `check_outcome` finds such words so the plan form can say so; the
writer may keep the words after the warning (it is a warning, not a refusal: a check by
keywords is sometimes wrong)."""

from __future__ import annotations

import re
from dataclasses import dataclass

WHAT_AN_OUTCOME_LOOKS_LIKE = (
    "An outcome says what the child will be able to do, and by when. For example: "
    '"By July, Sam will ask for help using two or three words." Put places, services and '
    "who will help under the help the child will get."
)

PLACEMENT = "a placement"
PROVIDER = "a provider or a professional"
SERVICE = "a service or an amount of help"

# (kind, pattern). Patterns match whole words, case-insensitive; the first match of each kind
# is reported.
_PATTERNS: tuple[tuple[str, str], ...] = (
    (PLACEMENT, r"\b(?:a )?place(?:ment)? (?:at|in)\b[^.,;]*"),
    (PLACEMENT, r"\bplacement\b"),
    (PLACEMENT, r"\bspecialist (?:nursery|setting|provision|school|unit|pre-?school)\b"),
    (PLACEMENT, r"\bspecial school\b"),
    (PLACEMENT, r"\bresource(?:d)? (?:base|provision|unit)\b"),
    (PLACEMENT, r"\benhanced (?:provision|resource|setting)\b"),
    (
        PLACEMENT,
        r"\b(?:attend|go to|move to|transfer to) (?:a |an |the )?[\w -]*?"
        r"(?:nursery|school|setting|pre-?school|unit)\b",
    ),
    (PROVIDER, r"\bspeech and language therap(?:y|ist)\b"),
    (PROVIDER, r"\bS(?:A?LT)\b"),
    (PROVIDER, r"\boccupational therap(?:y|ist)\b"),
    (PROVIDER, r"\bphysio(?:therapy|therapist)?\b"),
    (PROVIDER, r"\beducational psycholog(?:y|ist)\b"),
    (PROVIDER, r"\b(?:paediatrician|CAMHS|portage|health visitor)\b"),
    (PROVIDER, r"\b(?:teaching|learning support) assistant\b"),
    (SERVICE, r"\b(?:1:1|1-1|1 to 1|one[- ]to[- ]one)\b"),
    (SERVICE, r"\b\d+ (?:hours?|sessions?|minutes?)\b"),
    (SERVICE, r"\b(?:therapy|support|intervention) sessions?\b"),
    (SERVICE, r"\bsessions? (?:of|with)\b"),
    (SERVICE, r"\b(?:referral|access) to\b"),
    (SERVICE, r"\b(?:top-?up |inclusion )?funding\b"),
    (SERVICE, r"\b(?:an )?EHC ?(?:plan|P)\b"),
)
_COMPILED = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _PATTERNS)
_NAMES_A_CHILD_DOING = re.compile(r"\bwill\b|\bcan\b|\bto be able\b|\bable to\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    kind: str
    words: str

    def sentence(self) -> str:
        return f'"{self.words}" reads like {self.kind}, not something the child will do'


def check_outcome(text: str) -> list[Finding]:
    """What in an outcome names a placement, a provider or a service: empty if nothing does.
    One finding per kind, in the order the kinds are listed."""
    found: dict[str, Finding] = {}
    for kind, pattern in _COMPILED:
        if kind in found:
            continue
        match = pattern.search(text or "")
        if match:
            found[kind] = Finding(kind, match.group(0).strip())
    return list(found.values())


def outcome_warning(text: str) -> str:
    """The words the form shows for an outcome the check flags, or "" when it is fine."""
    findings = check_outcome(text)
    if not findings:
        return ""
    said = "; ".join(finding.sentence() for finding in findings)
    return f"{said[0].upper()}{said[1:]}. {WHAT_AN_OUTCOME_LOOKS_LIKE}"


def says_what_the_child_will_do(text: str) -> bool:
    """A light check that the outcome is written about the child doing something."""
    return bool(_NAMES_A_CHILD_DOING.search(text or ""))
