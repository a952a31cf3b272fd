"""Demo data of the finance app (filled in later)."""


def build_demo(demo):
    return None
