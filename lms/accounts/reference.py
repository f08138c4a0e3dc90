"""Fixed lists of the domain: roles, beneficiaries, professions, genders."""

from __future__ import annotations

from lms.core.i18n import _l

TRAINEE, TUTOR, MANAGER, ADMIN = "trainee", "tutor", "manager", "admin"
ROLES = {
    TRAINEE: _l("Trainee"),
    TUTOR: _l("Tutor"),
    MANAGER: _l("Programme manager"),
    ADMIN: _l("Administrator"),
}

REGIONAL, NATIONAL = "regional", "national"
MANAGER_SCOPES = {
    REGIONAL: _l("Regional (all beneficiaries)"),
    NATIONAL: _l("National (one beneficiary)"),
}

KOSOVO = "XK"
KOSOVO_FOOTNOTE = _l(
    "This designation is without prejudice to positions on status, and is in line with "
    "UNSCR 1244 and the ICJ Opinion on the Kosovo Declaration of Independence."
)

# code → (name, official languages of the platform's set)
BENEFICIARIES = {
    "AL": (_l("Albania"), ["sq"]),
    "BA": (_l("Bosnia and Herzegovina"), ["bs", "sr_Latn", "sr_Cyrl"]),
    KOSOVO: (_l("Kosovo"), ["sq", "sr_Latn", "sr_Cyrl"]),
    "ME": (_l("Montenegro"), ["cnr", "sr_Latn"]),
    "MK": (_l("North Macedonia"), ["mk", "sq"]),
    "RS": (_l("Serbia"), ["sr_Cyrl", "sr_Latn"]),
}

PROFESSIONS = {
    "prison_officer": _l("Prison officer"),
    "probation_officer": _l("Probation officer"),
    "social_worker": _l("Social worker"),
    "psychologist": _l("Psychologist"),
    "educator": _l("Educator"),
    "healthcare": _l("Healthcare staff"),
    "prison_manager": _l("Prison manager"),
    "legal_professional": _l("Legal professional"),
    # i18n: a profession not in the list
    "other": _l("Other"),
}

GENDERS = {
    "female": _l("Woman"),
    "male": _l("Man"),
    # i18n: a choice of gender, shown only in statistics (optional)
    "other": _l("Another gender"),
    "undisclosed": _l("Prefer not to say"),
}

# Institutions created by `lms setup` so that registration and bulk enrolment have a
# list to choose from; an administrator adds more.
DEFAULT_INSTITUTIONS = {
    "AL": [
        "General Directorate of Prisons",
        "Institution for the Execution of Criminal Decisions Peqin",
        "Institution for the Execution of Criminal Decisions Fushë-Krujë",
        "Institution for the Execution of Criminal Decisions Korçë",
        "Probation Service of Albania",
    ],
    "BA": [
        "Ministry of Justice of Bosnia and Herzegovina",
        "State Prison of Bosnia and Herzegovina",
        "Correctional Institution Zenica",
        "Correctional Institution Foča",
        "Correctional Institution Banja Luka",
    ],
    KOSOVO: [
        "Kosovo Correctional Service",
        "Kosovo Probation Service",
        "High Security Prison",
        "Dubrava Correctional Centre",
        "Correctional Centre for Women Lipjan",
    ],
    "ME": [
        "Institute for the Execution of Criminal Sanctions",
        "Remand Prison Podgorica",
        "Prison Bijelo Polje",
        "Directorate for Probation",
    ],
    "MK": [
        "Directorate for Execution of Sanctions",
        "Penitentiary Institution Idrizovo",
        "Penitentiary Institution Štip",
        "Prison Bitola",
        "Probation Service",
    ],
    "RS": [
        "Administration for the Enforcement of Criminal Sanctions",
        "Correctional Institution Sremska Mitrovica",
        "Correctional Institution Požarevac–Zabela",
        "Correctional Institution Niš",
        "District Prison Belgrade",
        "Office for Alternative Sanctions Belgrade",
    ],
}
