"""Dutch fragments."""

from cxlens.demo.phrases.bank import Bank

BANK = Bank(
    language="nl",
    topics={
        "website": {
            "pos": (
                "website is overzichtelijk",
                "had binnen 2 minuten wat ik zocht",
                "werkt prima op mijn telefoon",
                "duidelijke productfotos",
            ),
            "neg": (
                "website loopt steeds vast",
                "zoekfunctie vindt niks",
                "veel te veel popups",
                "pagina laadt super traag",
            ),
        },
        "checkout": {
            "pos": (
                "afrekenen ging snel",
                "met ideal betalen was makkelijk",
                "personeel in de winkel erg vriendelijk",
                "kortingscode werkte meteen",
            ),
            "neg": (
                "betaling mislukte 2x",
                "lange rij bij de kassa",
                "kortingscode werkt niet",
                "verzendkosten pas op het eind zichtbaar",
            ),
        },
        "onboarding": {
            "pos": (
                "account was zo aangemaakt",
                "welkomstmail legt alles goed uit",
                "collega's toevoegen ging makkelijk",
            ),
            "neg": (
                "nooit een bevestigingsmail gekregen",
                "aanmelden is veel te omslachtig",
                "collega's toevoegen lukt niet",
            ),
        },
        "usage": {
            "pos": (
                "producten van goede kwaliteit",
                "alles zoals beschreven",
                "gebruik het al maanden zonder problemen",
            ),
            "neg": (
                "kwaliteit is achteruit gegaan",
                "na een week kapot",
                "klopt niet met de beschrijving",
            ),
        },
        "support": {
            "pos": (
                "de medewerker had het in 5 min opgelost",
                "klantenservice reageerde dezelfde dag",
                "in 1 keer opgelost, top",
                "vriendelijke en geduldige helpdesk",
            ),
            "neg": (
                "40 minuten in de wacht gestaan",
                "3 keer mijn verhaal moeten doen",
                "niemand reageert op mijn mails",
                "ticket gesloten zonder oplossing",
            ),
        },
        "shipping_returns": {
            "pos": (
                "snel geleverd, volgende dag al binnen",
                "retour was makkelijk, geld snel terug",
                "pakket goed ingepakt",
                "bezorger was op tijd",
            ),
            "neg": (
                "pakket kwam beschadigd aan",
                "retourlabel werkt niet",
                "wacht nog steeds op mijn geld",
                "bezorger liet de doos in de regen staan",
            ),
        },
        "renewal": {
            "pos": (
                "verlengen ging met 1 klik",
                "eerlijke prijs voor nog een jaar",
                "leuke korting bij verlenging",
            ),
            "neg": (
                "prijs weer omhoog bij verlenging",
                "automatisch verlengd zonder bericht",
                "opzeggen is veel te moeilijk",
            ),
        },
    },
    late=(
        "bestelling 2 weken te laat!!",
        "levering weer te laat",
        "pakket duurde eeuwen",
        "2 dagen levertijd zeiden ze, werd 10",
        "track en trace al een week niet bijgewerkt",
        "nog steeds niks ontvangen",
    ),
    generic={
        "pos": ("prima service", "zeker een aanrader", "altijd goed geholpen", "ga zo door"),
        "neu": ("was oké", "niks bijzonders", "gemiddeld", "prima verder"),
        "neg": (
            "erg teleurgesteld",
            "bestel hier nooit meer",
            "slechte ervaring",
            "had meer verwacht",
        ),
    },
    openers=("", "", "hoi,", "nou", "eerlijk gezegd", "tja"),
    closers_pos=("", "bedankt!", "dank je", "top"),
    closers_neg=("", "los dit op aub", "echt balen", "niet blij"),
    but="maar",
)
