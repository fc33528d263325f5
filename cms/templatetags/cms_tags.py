"""Small display helpers for the local offer's templates."""

from django import template

from earlyyears.needs import BroadAreaOfNeed, EYFSArea

register = template.Library()


def months_label(months: int) -> str:
    if months < 24:
        return f"{months} month{'s' if months != 1 else ''}"
    years, rest = divmod(months, 12)
    return f"{years} years" + (f" {rest} month{'s' if rest != 1 else ''}" if rest else "")


@register.filter
def age_range(service) -> str:
    """A service's ages in words: "0 months to 5 years", "from 2 years", "all ages"."""
    low, high = service.minimum_age_months, service.maximum_age_months
    if low in (None, 0) and high is None:
        return "all ages"
    if high is None:
        return f"from {months_label(low)}"
    if low in (None, 0):
        return f"up to {months_label(high)}"
    return f"{months_label(low)} to {months_label(high)}"


@register.filter
def need_labels(codes) -> list[str]:
    labels = dict(BroadAreaOfNeed.choices) | dict(EYFSArea.choices)
    return [str(labels.get(code, code)) for code in codes or []]
