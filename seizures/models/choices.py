"""Vocabularies shared by seizures, imports and statistics (after the UNODC
Illicit Arms Flows Questionnaire and the International Tracing Instrument)."""
from django.db import models


class RecoveryType(models.TextChoices):
    SEIZED = "seized", "Seized"
    FOUND = "found", "Found"
    SURRENDERED = "surrendered", "Surrendered"


class SeizureContext(models.TextChoices):
    BORDER = "border_crossing", "Border crossing"
    INLAND = "inland", "Inland"
    POSTAL = "postal_courier", "Postal or courier parcel"
    CONTAINER = "container", "Container"
    VEHICLE = "vehicle", "Vehicle"
    PREMISES = "premises", "Premises"
    DARKNET = "darknet_purchase", "Darknet purchase"
    OTHER = "other", "Other"


class LegalBasis(models.TextChoices):
    POSSESSION = "illicit_possession", "Illicit possession"
    TRAFFICKING = "illicit_trafficking", "Illicit trafficking"
    MANUFACTURING = "illicit_manufacturing", "Illicit manufacturing"
    OTHER = "other", "Other"


class CriminalContext(models.TextChoices):
    UNKNOWN = "unknown", "Not yet established"
    POSSESSION_ONLY = "possession_only", "Illicit possession only"
    TRAFFICKING = "arms_trafficking", "Arms trafficking"
    DRUG_TRAFFICKING = "drug_trafficking", "Drug trafficking"
    ORGANISED_CRIME = "organised_crime", "Organised crime"
    VIOLENT_CRIME = "violent_crime", "Homicide or violent crime"
    TERRORISM = "terrorism", "Terrorism"
    OTHER = "other", "Other"


class WeaponType(models.TextChoices):
    PISTOL = "pistol", "Pistol"
    REVOLVER = "revolver", "Revolver"
    RIFLE = "rifle", "Rifle"
    CARBINE = "carbine", "Carbine"
    SHOTGUN = "shotgun", "Shotgun"
    SMG = "submachine_gun", "Sub-machine gun"
    MACHINE_GUN = "machine_gun", "Machine gun"
    LIGHT_WEAPON = "light_weapon", "Light weapon"
    OTHER = "other", "Other"


class MarkingStatus(models.TextChoices):
    INTACT = "intact", "Intact"
    ALTERED = "altered", "Altered"
    OBLITERATED = "obliterated", "Obliterated"
    RESTORED = "restored", "Restored"
    UNMARKED = "unmarked", "Unmarked"


class PartKind(models.TextChoices):
    FRAME = "frame_receiver", "Frame or receiver"
    BARREL = "barrel", "Barrel"
    SLIDE = "slide", "Slide"
    BOLT = "bolt", "Bolt or breech block"
    CYLINDER = "cylinder", "Cylinder"
    TRIGGER = "trigger_mechanism", "Trigger mechanism"
    MAGAZINE = "magazine", "Magazine"
    SUPPRESSOR = "suppressor", "Suppressor"
    CONVERSION_KIT = "conversion_kit", "Conversion kit"
    OTHER = "other", "Other"


class PartyRole(models.TextChoices):
    POSSESSOR = "possessor", "Possessor"
    BROKER = "broker", "Broker"
    CARRIER = "carrier", "Carrier"
    CONSIGNEE = "consignee", "Consignee"
    CONSIGNOR = "consignor", "Consignor"
    OTHER = "other", "Other"
