from .seizure import CriminalContextChange, Seizure, SeizureParty
from .items import Ammunition, Firearm, FirearmPhoto, Part
from .custody import CustodyEvent
from .tracing import TracingRequest, TransferDocument

__all__ = [
    "Seizure", "SeizureParty", "CriminalContextChange", "Firearm", "FirearmPhoto", "Part", "Ammunition",
    "CustodyEvent", "TracingRequest", "TransferDocument",
]
