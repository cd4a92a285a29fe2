"""Romanian fragments (written the way many people type: often without diacritics)."""

from cxlens.demo.phrases.bank import Bank

BANK = Bank(
    language="ro",
    topics={
        "website": {
            "pos": (
                "site-ul e usor de folosit",
                "am gasit repede ce cautam",
                "merge bine si pe telefon",
                "poze clare la produse",
            ),
            "neg": (
                "site-ul se blocheaza mereu",
                "cautarea nu gaseste nimic",
                "prea multe reclame pe site",
                "pagina se incarca greu",
            ),
        },
        "checkout": {
            "pos": (
                "plata a mers rapid",
                "personalul din magazin foarte amabil",
                "codul de reducere a mers din prima",
                "fara coada la casa",
            ),
            "neg": (
                "plata a esuat de doua ori",
                "coada imensa la casa",
                "codul de reducere nu merge",
                "costul livrarii apare abia la final",
            ),
        },
        "onboarding": {
            "pos": (
                "contul s-a facut in 2 minute",
                "emailul de bun venit explica tot",
                "am adaugat colegii usor",
            ),
            "neg": (
                "nu am primit emailul de confirmare",
                "inregistrarea e prea complicata",
                "nu pot adauga colegii in contul firmei",
            ),
        },
        "usage": {
            "pos": (
                "produse de calitate",
                "totul conform descrierii",
                "il folosesc de luni de zile fara probleme",
            ),
            "neg": (
                "calitatea a scazut",
                "s-a stricat dupa o saptamana",
                "nu corespunde descrierii",
            ),
        },
        "support": {
            "pos": (
                "operatorul a rezolvat totul in 5 minute",
                "suport rapid si amabil",
                "rezolvat din primul apel",
                "mi-au raspuns in aceeasi zi",
            ),
            "neg": (
                "am asteptat 40 de minute la telefon",
                "am explicat problema de trei ori",
                "nimeni nu raspunde la emailuri",
                "au inchis tichetul fara sa rezolve nimic",
            ),
        },
        "shipping_returns": {
            "pos": (
                "livrare foarte rapida",
                "retur simplu, banii au venit repede",
                "colet bine ambalat",
                "curierul a fost punctual",
            ),
            "neg": (
                "coletul a ajuns deteriorat",
                "eticheta de retur nu merge",
                "inca astept banii inapoi",
                "curierul a lasat coletul in ploaie",
            ),
        },
        "renewal": {
            "pos": (
                "reinnoirea s-a facut dintr-un click",
                "pret corect pentru inca un an",
                "multumesc pentru reducere",
            ),
            "neg": (
                "pretul a crescut iar",
                "reinnoire automata fara avertizare",
                "anularea e foarte grea",
            ),
        },
    },
    late=(
        "comanda a intarziat doua saptamani!!",
        "livrarea iar a intarziat",
        "coletul nu mai ajunge",
        "trebuia sa vina in 2 zile, au trecut 10",
        "trackingul nu s-a mai actualizat de o saptamana",
        "inca nu am primit nimic",
    ),
    generic={
        "pos": ("servicii excelente", "recomand cu drag", "mereu multumit", "tot asa"),
        "neu": ("a fost ok", "nimic special", "asa si asa", "merge"),
        "neg": (
            "foarte dezamagit",
            "nu mai comand",
            "experienta groaznica",
            "ma asteptam la mai mult",
        ),
    },
    openers=("", "", "buna ziua,", "deci", "sincer", "pai"),
    closers_pos=("", "multumesc!", "mersi", "felicitari"),
    closers_neg=("", "rezolvati va rog", "rusine", "nu e ok"),
    but="dar",
)
