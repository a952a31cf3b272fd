"""Models of asset recovery, one module per concept.

assets.py       assets, their identifiers, holders/beneficial owners and origin links
measures.py     legal measures (the state machine's steps) and reminder bookkeeping
letters.py      freeze / production request letters
cooperation.py  mutual legal assistance requests and asset-sharing agreements
"""
from .assets import Asset, AssetHolder, AssetIdentifier, AssetOrigin, AssetState, AssetKind
from .measures import LegalMeasure
from .letters import RequestLetter
from .cooperation import MlaRequest, SharingAgreement, SharingShare

__all__ = [
    "Asset", "AssetHolder", "AssetIdentifier", "AssetKind", "AssetOrigin", "AssetState", "LegalMeasure",
    "RequestLetter", "MlaRequest", "SharingAgreement", "SharingShare",
]
