"""The cohort report's rules as data (reportgen/data/cohort.toml): focus, findings, split groups; who is left out."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from ..config import PACKAGE_DIR, load_toml
from ..errors import InstrumentError
from ..models import Outcome

RULES = PACKAGE_DIR / "data" / "cohort.toml"


@dataclass(frozen=True)
class Rules:
    """When a step is a focus, a statement a finding, a group split: reportgen/data/cohort.toml."""

    focus_lead: float
    focus_below_score: float
    focus_most: int
    strength_mean: float
    strength_share: float
    blind_spot_mean: float
    blind_spot_share: float
    split_share: float
    split_middle: float


def load_rules(path: Path = RULES) -> Rules:
    """The cohort report's rules from their data file."""
    data = load_toml(path, InstrumentError, "cohort rules file", fix="Correct the file or reinstall reportgen.")
    try:
        focus, findings, split = data["focus"], data["findings"], data["split"]
        return Rules(
            focus_lead=float(focus["lead"]),
            focus_below_score=float(focus["below_score"]),
            focus_most=int(focus["most"]),
            strength_mean=float(findings["strength_mean"]),
            strength_share=float(findings["strength_share"]),
            blind_spot_mean=float(findings["blind_spot_mean"]),
            blind_spot_share=float(findings["blind_spot_share"]),
            split_share=float(split["share"]),
            split_middle=float(split["middle_at_most"]),
        )
    except (KeyError, TypeError, ValueError) as problem:
        raise InstrumentError(
            f"The cohort rules file lacks or misstates {problem}.",
            fix="Correct the file; every value of [focus], [findings] and [split] is a number.",
            file=path,
        ) from None


@dataclass(frozen=True)
class Excluded:
    """The rows of the export that are not in the group, by why."""

    invalid: int = 0
    duplicates: int = 0
    unfinished: int = 0

    @property
    def total(self) -> int:
        """Every row left out."""
        return self.invalid + self.duplicates + self.unfinished

    @classmethod
    def of(cls, outcomes: Iterable[Outcome]) -> Excluded:
        """Counted from a build's outcomes: an unfinished row is invalid because it was not finished."""
        counts = Counter(
            "unfinished" if o.status == "invalid" and o.response.unfinished else o.status for o in outcomes
        )
        return cls(counts["invalid"], counts["duplicate"], counts["unfinished"])


def exact(threshold: float) -> Fraction:
    """A threshold from the rules file as written there (0.3, not 0.29999…)."""
    return Fraction(str(threshold))


def spread_kind(counts: Sequence[int], rules: Rules) -> str:
    """How a step's leaders lie over the bands: "split", "spread" (over all three levels) or "".

    Split: both end bands hold the split share and the middle band is clearly smaller than both.
    Spread: both ends hold it, but the middle band is not clearly smaller.
    """
    total = sum(counts)
    if total == 0 or len(counts) < 3:
        return ""
    low, high, middle = counts[0], counts[-1], sum(counts[1:-1])
    if Fraction(min(low, high), total) < exact(rules.split_share):
        return ""
    return "split" if middle <= exact(rules.split_middle) * min(low, high) else "spread"


def stands_out_strong(mean: Fraction, strong_share: Fraction, scale_min: int, scale_max: int, rules: Rules) -> bool:
    """Whether a step stands out as the group's strength by the rule of a shared strength, on 0–100."""
    score = (exact(rules.strength_mean) - scale_min) / (scale_max - scale_min) * 100
    return mean >= score or strong_share >= exact(rules.strength_share)
