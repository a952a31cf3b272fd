"""Validation of analysis parameters. Errors name the parameter that is wrong."""
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone

from .engine import typologies
from .models import AnalysisKind

MAX_HOPS = 8
DEFAULT_HOPS = 4


def _date(value, name):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValidationError({"params": f"{name}: a date as YYYY-MM-DD, not {value!r}."}) from None


def _int(params, name, default, lo, hi):
    value = params.get(name, default)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ValidationError({"params": f"{name}: a whole number, not {value!r}."}) from None
    if not lo <= value <= hi:
        raise ValidationError({"params": f"{name}: between {lo} and {hi}, not {value}."})
    return value


def _seeds(value):
    if value in (None, ""):
        return []
    if isinstance(value, str):
        value = [s.strip() for s in value.replace("\n", ",").split(",") if s.strip()]
    if not isinstance(value, list) or not all(isinstance(s, (str, int)) for s in value):
        raise ValidationError({"params": "seeds: a list like ['account:12', 'party:3', 'entity:5', 'seizure:2', 'HR12…']."})
    return [str(s).strip() for s in value if str(s).strip()]


def clean_params(kind, raw) -> dict:
    raw = dict(raw or {})
    unknown_kind = kind not in AnalysisKind.values
    if unknown_kind:
        raise ValidationError({"kind": f"Unknown analysis kind {kind!r}; one of {', '.join(AnalysisKind.values)}."})
    p = {}
    if kind in (AnalysisKind.TRACE, AnalysisKind.TAINT):
        p["seeds"] = _seeds(raw.get("seeds"))
        if not p["seeds"]:
            raise ValidationError({"params": "seeds: give at least one account, party, entity, seizure or address."})
    p["date_from"] = _date(raw.get("date_from"), "date_from")
    p["date_to"] = _date(raw.get("date_to"), "date_to")
    if p["date_from"] and p["date_to"] and p["date_from"] > p["date_to"]:
        raise ValidationError({"params": "date_from: must not be after date_to."})
    if kind == AnalysisKind.TRACE:
        direction = raw.get("direction", "downstream")
        if direction not in ("downstream", "upstream", "both"):
            raise ValidationError({"params": "direction: downstream, upstream or both."})
        p["direction"] = direction
        p["hops"] = _int(raw, "hops", DEFAULT_HOPS, 1, MAX_HOPS)
        try:
            p["min_amount"] = str(Decimal(str(raw.get("min_amount") or 0)))
        except InvalidOperation:
            raise ValidationError({"params": f"min_amount: a number, not {raw.get('min_amount')!r}."}) from None
        if Decimal(p["min_amount"]) < 0:
            raise ValidationError({"params": "min_amount: not negative."})
        tol = raw.get("tolerance")
        if tol in (None, ""):
            p["tolerance"] = None
        else:
            try:
                p["tolerance"] = float(tol)
            except (TypeError, ValueError):
                raise ValidationError({"params": f"tolerance: a fraction like 0.1, not {tol!r}."}) from None
            if not 0 <= p["tolerance"] <= 10:
                raise ValidationError({"params": "tolerance: between 0 and 10 (0.1 = outgoing may exceed incoming by 10 %)."})
        p["stop_degree"] = _int(raw, "stop_degree", 200, 2, 10**7)
        stops = raw.get("stop_accounts") or []
        if isinstance(stops, str):
            stops = [s for s in stops.replace(",", " ").split() if s]
        try:
            p["stop_accounts"] = [int(s) for s in stops]
        except (TypeError, ValueError):
            raise ValidationError({"params": "stop_accounts: account ids."}) from None
        p["max_paths"] = _int(raw, "max_paths", 25, 1, 500)
        p["include_crypto"] = bool(raw.get("include_crypto", True))
    elif kind == AnalysisKind.TYPOLOGIES:
        try:
            p["settings"] = typologies.settings_clean(raw.get("settings") or {}) and (raw.get("settings") or {})
        except ValueError as exc:
            raise ValidationError({"params": str(exc)}) from None
    elif kind == AnalysisKind.CRYPTO_CLUSTER:
        p["chain"] = str(raw.get("chain") or "").lower()
        p["change_heuristic"] = bool(raw.get("change_heuristic", False))
        p["change_min_confidence"] = float(raw.get("change_min_confidence", 0.7))
        if not 0 <= p["change_min_confidence"] <= 1:
            raise ValidationError({"params": "change_min_confidence: between 0 and 1."})
        p["min_inputs"] = _int(raw, "min_inputs", 3, 2, 1000)
        p["min_equal_outputs"] = _int(raw, "min_equal_outputs", 3, 2, 1000)
    elif kind == AnalysisKind.TAINT:
        p["chain"] = str(raw.get("chain") or "").lower()
        method = raw.get("method", "haircut")
        if method not in ("poison", "haircut", "fifo"):
            raise ValidationError({"params": "method: poison, haircut or fifo."})
        p["method"] = method
        labels = raw.get("stop_at_labels") or ["exchange"]
        if isinstance(labels, str):
            labels = [x.strip() for x in labels.split(",") if x.strip()]
        p["stop_at_labels"] = labels
        p["cluster"] = bool(raw.get("cluster", True))
    return p


def bounds(p):
    """(aware datetime from, to) of the params' dates (to = end of that day)."""
    tz = timezone.get_current_timezone()
    lo = timezone.make_aware(datetime.combine(date.fromisoformat(p["date_from"]), time.min), tz) if p.get("date_from") else None
    hi = timezone.make_aware(datetime.combine(date.fromisoformat(p["date_to"]), time.max), tz) if p.get("date_to") else None
    return lo, hi
