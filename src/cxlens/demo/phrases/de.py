"""German fragments."""

from cxlens.demo.phrases.bank import Bank

BANK = Bank(
    language="de",
    topics={
        "website": {
            "pos": (
                "webseite ist übersichtlich",
                "hab sofort gefunden was ich gesucht hab",
                "klappt auch gut am handy",
                "gute produktfotos",
            ),
            "neg": (
                "die seite stürzt ständig ab",
                "suche findet nix",
                "viel zu viele popups",
                "seite lädt ewig",
            ),
        },
        "checkout": {
            "pos": (
                "bezahlen ging schnell",
                "mitarbeiter im laden sehr nett",
                "gutscheincode hat direkt funktioniert",
                "keine schlange an der kasse",
            ),
            "neg": (
                "zahlung ist zweimal fehlgeschlagen",
                "ewig lange schlange an der kasse",
                "gutscheincode funktioniert nicht",
                "versandkosten erst ganz am ende sichtbar",
            ),
        },
        "onboarding": {
            "pos": (
                "konto war ruckzuck eingerichtet",
                "willkommensmail erklärt alles",
                "kollegen hinzufügen war einfach",
            ),
            "neg": (
                "nie eine bestätigungsmail bekommen",
                "anmeldung viel zu kompliziert",
                "kann keine kollegen zum firmenkonto hinzufügen",
            ),
        },
        "usage": {
            "pos": (
                "super qualität",
                "alles wie beschrieben",
                "nutze es seit monaten ohne probleme",
            ),
            "neg": (
                "qualität ist schlechter geworden",
                "nach einer woche kaputt",
                "entspricht nicht der beschreibung",
            ),
        },
        "support": {
            "pos": (
                "die dame am telefon hat alles in 5 min gelöst",
                "kundenservice hat am selben tag geantwortet",
                "beim ersten anruf gelöst",
                "sehr freundliche hotline",
            ),
            "neg": (
                "40 minuten in der warteschleife",
                "musste mein problem dreimal erklären",
                "keiner antwortet auf meine mails",
                "ticket geschlossen ohne lösung",
            ),
        },
        "shipping_returns": {
            "pos": (
                "lieferung super schnell",
                "rücksendung einfach, geld schnell zurück",
                "paket gut verpackt",
                "paketbote pünktlich",
            ),
            "neg": (
                "paket kam beschädigt an",
                "retourenschein funktioniert nicht",
                "warte immer noch auf mein geld",
                "bote hat das paket in den regen gestellt",
            ),
        },
        "renewal": {
            "pos": (
                "verlängerung mit einem klick",
                "fairer preis für ein weiteres jahr",
                "netter treuerabatt",
            ),
            "neg": (
                "preis schon wieder erhöht",
                "automatisch verlängert ohne hinweis",
                "kündigen ist viel zu kompliziert",
            ),
        },
    },
    late=(
        "bestellung zwei wochen zu spät!!",
        "lieferung mal wieder verspätet",
        "paket hat ewig gedauert",
        "2 tage lieferzeit hieß es, waren dann 10",
        "sendungsverfolgung seit einer woche nicht aktualisiert",
        "immer noch nichts angekommen",
    ),
    generic={
        "pos": ("super service", "klare empfehlung", "immer zufrieden", "weiter so"),
        "neu": ("war ok", "nichts besonderes", "geht so", "passt schon"),
        "neg": (
            "sehr enttäuscht",
            "bestelle hier nie wieder",
            "schlechte erfahrung",
            "hatte mehr erwartet",
        ),
    },
    openers=("", "", "hallo,", "also", "ehrlich gesagt", "naja"),
    closers_pos=("", "danke!", "vielen dank", "top"),
    closers_neg=("", "bitte beheben", "echt ärgerlich", "unmöglich"),
    but="aber",
)
