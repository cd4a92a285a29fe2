"""The demo company: Northwind Goods, an online retailer with shops and a helpline.

Everything the generator draws from lives here as plain data: regions with their locales
and time zones, plans, touchpoints with their survey channels, and attribute weights.
"""

from __future__ import annotations

from typing import Final

COMPANY: Final = "Northwind Goods"
SURVEY_NAME: Final = "Northwind Goods customer feedback"
SOURCE: Final = "demo"

#: Regions: (name, share of customers, time zone, locales with their shares).
REGIONS: Final[tuple[tuple[str, float, str, tuple[tuple[str, float], ...]], ...]] = (
    ("UK & Ireland", 0.22, "Europe/London", (("en-GB", 0.9), ("en-IE", 0.1))),
    ("Germany", 0.18, "Europe/Berlin", (("de-DE", 0.94), ("en-GB", 0.06))),
    ("France", 0.14, "Europe/Paris", (("fr-FR", 0.95), ("en-GB", 0.05))),
    ("Netherlands", 0.13, "Europe/Amsterdam", (("nl-NL", 0.78), ("fy-NL", 0.15), ("en-GB", 0.07))),
    ("Italy", 0.13, "Europe/Rome", (("it-IT", 0.95), ("en-GB", 0.05))),
    ("Spain", 0.12, "Europe/Madrid", (("es-ES", 0.95), ("en-GB", 0.05))),
    ("Romania", 0.08, "Europe/Bucharest", (("ro-RO", 0.95), ("en-GB", 0.05))),
)

#: Country calling codes, per region, for the fake phone numbers.
PHONE_PREFIX: Final = {
    "UK & Ireland": "+44",
    "Germany": "+49",
    "France": "+33",
    "Netherlands": "+31",
    "Italy": "+39",
    "Spain": "+34",
    "Romania": "+40",
}

#: The region, touchpoint and relative quarter of the one planted problem.
PLANTED_REGION: Final = "Netherlands"
PLANTED_TOUCHPOINT: Final = "shipping_returns"

#: Touchpoints in journey order, with their share of responses and their score effect.
TOUCHPOINTS: Final = (
    "website",
    "checkout",
    "onboarding",
    "usage",
    "support",
    "shipping_returns",
    "renewal",
)
TOUCHPOINT_SHARE: Final = (0.17, 0.22, 0.06, 0.14, 0.14, 0.19, 0.08)
TOUCHPOINT_EFFECT: Final = (0.25, 0.2, 0.1, 0.15, -0.35, 0.0, -0.25)

#: Survey channels and, per touchpoint, the share of each channel.
CHANNELS: Final = ("email", "sms", "web", "widget", "in-store", "phone")
CHANNEL_SHARE: Final = (
    (0.0, 0.0, 0.5, 0.5, 0.0, 0.0),  # website
    (0.3, 0.05, 0.35, 0.0, 0.3, 0.0),  # checkout: web shop and shops
    (0.8, 0.0, 0.2, 0.0, 0.0, 0.0),  # onboarding
    (0.6, 0.1, 0.0, 0.3, 0.0, 0.0),  # usage
    (0.35, 0.2, 0.0, 0.0, 0.0, 0.45),  # support: e-mail, SMS after a call, IVR after a call
    (0.6, 0.4, 0.0, 0.0, 0.0, 0.0),  # shipping_returns
    (0.9, 0.0, 0.1, 0.0, 0.0, 0.0),  # renewal
)
CHANNEL_EFFECT: Final = (0.0, -0.1, 0.05, 0.1, 0.15, -0.05)

#: Support case channels (the helpline, e-mail, chat, web form, the shops).
CASE_CHANNELS: Final = ("phone", "email", "chat", "web", "store")
CASE_CHANNEL_SHARE: Final = (0.4, 0.3, 0.18, 0.07, 0.05)
#: Median hours to the first response, per case channel.
CASE_FIRST_RESPONSE_H: Final = (0.05, 7.0, 0.08, 12.0, 0.02)

PLANS: Final = ("guest", "member", "premium", "business")
PLANS_PAID: Final = (False, False, True, True)
PLAN_EFFECT: Final = (-0.15, 0.05, 0.25, 0.1)
B2C_PLAN_SHARE: Final = (0.3, 0.45, 0.25, 0.0)
B2B_PLAN_SHARE: Final = (0.0, 0.1, 0.2, 0.7)
B2B_SHARE: Final = 0.18
MEAN_ACCOUNT_SIZE: Final = 6.0

AGE_BANDS: Final = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
AGE_SHARE: Final = (0.12, 0.24, 0.22, 0.18, 0.14, 0.10)
GENDERS: Final = ("female", "male", "non-binary", "undisclosed")
GENDER_SHARE: Final = (0.5, 0.44, 0.02, 0.04)
INDUSTRIES: Final = (
    "retail",
    "hospitality",
    "healthcare",
    "education",
    "manufacturing",
    "technology",
    "finance",
    "public sector",
)
INDUSTRY_SHARE: Final = (0.2, 0.16, 0.12, 0.1, 0.14, 0.13, 0.07, 0.08)
COMPANY_SIZES: Final = ("1-9", "10-49", "50-249", "250-999", "1000+")
COMPANY_SIZE_SHARE: Final = (0.4, 0.3, 0.18, 0.08, 0.04)

FIRST_NAMES: Final = {
    "en": ("james", "olivia", "jack", "amelia", "harry", "emily", "george", "isla", "noah", "ava"),
    "de": ("lukas", "anna", "leon", "marie", "felix", "lena", "jonas", "laura", "paul", "julia"),
    "fr": ("lucas", "emma", "hugo", "louise", "jules", "chloe", "louis", "lea", "adam", "manon"),
    "nl": ("daan", "sanne", "sem", "julia", "lucas", "emma", "thijs", "anouk", "bram", "lotte"),
    "fy": ("jelle", "sjoukje", "wytse", "baukje", "sjoerd", "froukje", "hidde", "tryntsje"),
    "it": ("marco", "giulia", "luca", "francesca", "matteo", "sofia", "andrea", "chiara", "paolo"),
    "es": ("pablo", "lucia", "javier", "maria", "daniel", "paula", "alvaro", "carmen", "diego"),
    "ro": ("andrei", "ioana", "mihai", "elena", "alexandru", "maria", "stefan", "ana", "vlad"),
}
LAST_NAMES: Final = {
    "en": ("smith", "jones", "taylor", "brown", "wilson", "evans", "walsh", "murphy", "clarke"),
    "de": ("mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker"),
    "fr": ("martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand"),
    "nl": ("de jong", "jansen", "de vries", "van dijk", "bakker", "visser", "smit", "meijer"),
    "fy": ("hoekstra", "de boer", "dijkstra", "postma", "wiersma", "bosma", "visser", "terpstra"),
    "it": ("rossi", "russo", "ferrari", "esposito", "bianchi", "romano", "colombo", "ricci"),
    "es": ("garcia", "fernandez", "gonzalez", "rodriguez", "lopez", "martinez", "sanchez"),
    "ro": ("popescu", "ionescu", "popa", "stan", "dumitru", "constantin", "gheorghe", "munteanu"),
}
