"""Pure computation of the analyses: no database writes, no Django views.

graph.py       the ledger as arrays (numpy), loaded whole or as a neighbourhood; the time-respecting trace
typologies.py  laundering-pattern detectors over a loaded ledger
crypto.py      common-input clustering, change heuristic, taint (poison / haircut / FIFO)
"""
