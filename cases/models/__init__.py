from .people import Agency, User
from .case import Case, CaseMembership, FiuAccessGrant, Tag
from .records import HandledRecord, CaseRecord
from .content import Entity, EntityIdentifier, EntityLink, Note, Task
from .evidence import EvidenceFile
from .audit import AuditEvent
from .jobs import Job
from .notifications import Notification
from .deconfliction import DeconflictionHit

__all__ = [
    "Agency", "User", "Case", "CaseMembership", "FiuAccessGrant", "Tag", "HandledRecord", "CaseRecord",
    "Entity", "EntityIdentifier", "EntityLink", "Note", "Task", "EvidenceFile", "AuditEvent", "Job",
    "Notification", "DeconflictionHit",
]
from .dossier import Dossier  # noqa: E402  (issue 7)
from .tokens import ApiToken  # noqa: E402

__all__ += ["Dossier", "ApiToken"]
