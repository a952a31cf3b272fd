"""Small display helpers shared by the templates of all apps."""
from django import template

register = template.Library()


# Words that are not written the way their keys are.
_WORDS = {"sha256": "SHA-256", "id": "ID", "iban": "IBAN", "fx": "FX", "url": "URL"}


@register.filter
def label(key):
    """`rows_written` -> "Rows written", `dossier.render` -> "Dossier render", `sha256` -> "SHA-256"."""
    words = [_WORDS.get(word.lower(), word) for word in str(key).replace("_", " ").replace(".", " ").split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


@register.filter
def result_items(result):
    """A job result as (label, value) pairs to show: scalars as they are, lists by their length."""
    if not isinstance(result, dict):
        return [("Result", result)] if result not in (None, "", {}) else []
    items = []
    for key, value in result.items():
        if key in ("url", "summary") or isinstance(value, dict):
            continue
        if isinstance(value, (list, tuple)):
            value = f"{len(value)} item{'s' if len(value) != 1 else ''}"
        items.append((label(key), value))
    return items
