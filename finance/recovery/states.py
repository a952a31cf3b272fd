"""The legal-measure state machine of an asset.

identified → freeze requested → frozen/restrained → seized → confiscated (conviction-based) or
forfeited (non-conviction-based) → disposed / returned / shared; released at any point before the end,
with a reason. Two shortcuts reflect practice: an asset may be frozen without a prior request (urgent
order) and seized straight away (cash or a vehicle taken at the scene). A frozen asset's order may be
renewed (frozen → frozen), which supersedes the old order and its expiry date.
"""
from .models.assets import AssetState as S

TRANSITIONS: dict[str, frozenset[str]] = {
    S.IDENTIFIED: frozenset({S.FREEZE_REQUESTED, S.FROZEN, S.SEIZED, S.RELEASED}),
    S.FREEZE_REQUESTED: frozenset({S.FROZEN, S.RELEASED}),
    S.FROZEN: frozenset({S.FROZEN, S.SEIZED, S.RELEASED}),
    S.SEIZED: frozenset({S.CONFISCATED, S.FORFEITED, S.RELEASED}),
    S.CONFISCATED: frozenset({S.DISPOSED, S.RETURNED, S.SHARED, S.RELEASED}),
    S.FORFEITED: frozenset({S.DISPOSED, S.RETURNED, S.SHARED, S.RELEASED}),
    S.DISPOSED: frozenset(),
    S.RETURNED: frozenset(),
    S.SHARED: frozenset(),
    S.RELEASED: frozenset(),
}

TERMINAL = frozenset(state for state, nexts in TRANSITIONS.items() if not nexts)

# What the user does to reach a state (button labels and audit verbs).
VERBS = {
    S.FREEZE_REQUESTED: "Request a freeze",
    S.FROZEN: "Record a freeze / restraint order",
    S.SEIZED: "Record a seizure",
    S.CONFISCATED: "Record a confiscation order",
    S.FORFEITED: "Record a forfeiture order",
    S.DISPOSED: "Record disposal",
    S.RETURNED: "Record return",
    S.SHARED: "Record sharing",
    S.RELEASED: "Release",
}

# Buckets of the totals (state the asset is in now).
FROZEN_STATES = frozenset({S.FROZEN})
SEIZED_STATES = frozenset({S.SEIZED})
CONFISCATED_STATES = frozenset({S.CONFISCATED, S.FORFEITED, S.DISPOSED, S.RETURNED, S.SHARED})
RELEASED_STATES = frozenset({S.RELEASED})


def allowed(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def next_states(from_state: str) -> list[str]:
    order = list(S.values)
    return sorted(TRANSITIONS.get(from_state, frozenset()), key=order.index)


def refusal(from_state: str, to_state: str) -> str:
    """The error a user sees for a transition the machine does not allow."""
    label = dict(S.choices)
    if from_state in TERMINAL:
        return (f"The asset is {label[from_state].lower()}: that is final, no further measure can be recorded.")
    options = ", ".join(label[s].lower() for s in next_states(from_state))
    return (f"An asset that is {label[from_state].lower()} cannot become {label.get(to_state, to_state).lower()}; "
            f"it can next be: {options}.")
