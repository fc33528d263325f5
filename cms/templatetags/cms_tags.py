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


DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}


def _clock(value) -> str:
    """A time the GOV.UK way: 9am, 9:30am, 12 noon (midday), 5:15pm."""
    if value.hour == 12 and value.minute == 0:
        return "midday"
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


@register.filter
def schedule_words(schedule) -> str:
    """When a schedule runs, in plain English from its recurrence: "Every Tuesday and
    Thursday, 9:30am to 11am, from 5 January 2026 to 20 July 2026". Empty when it has no
    days to say."""
    days = [DAY_NAMES[d] for d in (schedule.byday or "").upper().split(",") if d in DAY_NAMES]
    if not days:
        return ""
    text = ("Every " if schedule.freq != "MONTHLY" else "Once a month on ") + _and(days)
    if schedule.opens_at and schedule.closes_at:
        text += f", {_clock(schedule.opens_at)} to {_clock(schedule.closes_at)}"
    if schedule.valid_from and schedule.valid_to:
        text += f", from {_date(schedule.valid_from)} to {_date(schedule.valid_to)}"
    elif schedule.valid_from:
        text += f", from {_date(schedule.valid_from)}"
    elif schedule.valid_to:
        text += f", until {_date(schedule.valid_to)}"
    return text


def _date(value) -> str:
    return f"{value.day} {value:%B %Y}"


CURRENCIES = {"GBP": "£", "EUR": "€", "USD": "$"}


def cost_words(option: dict) -> str:
    """One of a service's cost options in words: "Per child: £2.50 a session"."""
    amount = option.get("amount")
    parts = []
    if isinstance(amount, int | float) and not isinstance(amount, bool):
        if amount == 0:
            parts.append("Free")
        else:
            currency = str(option.get("currency") or "GBP").upper()
            symbol = CURRENCIES.get(currency, "")
            number = f"{amount:,.2f}".removesuffix(".00")
            parts.append(f"{symbol}{number}" if symbol else f"{number} {currency}")
    if option.get("amount_description") and option.get("amount_description") != "Free":
        parts.append(str(option["amount_description"]))
    text = " ".join(parts)
    label = str(option.get("option") or "").strip()
    if label and label not in ("Free", "Charge"):
        return f"{label}: {text}" if text else label
    return text
