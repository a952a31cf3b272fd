"""Demo analyses on DEMO-1 (filled in below)."""


def build_demo(demo):
    return None
