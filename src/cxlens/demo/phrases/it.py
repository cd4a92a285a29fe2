"""Italian fragments."""

from cxlens.demo.phrases.bank import Bank

BANK = Bank(
    language="it",
    topics={
        "website": {
            "pos": (
                "sito facile da usare",
                "ho trovato subito quello che cercavo",
                "il sito va benissimo anche da cellulare",
                "foto dei prodotti molto chiare",
            ),
            "neg": (
                "il sito si blocca di continuo",
                "la ricerca non trova niente",
                "troppi popup sul sito",
                "pagina lentissima a caricare",
            ),
        },
        "checkout": {
            "pos": (
                "pagamento veloce e senza problemi",
                "in negozio commessi gentilissimi",
                "il codice sconto ha funzionato subito",
                "nessuna coda alla cassa",
            ),
            "neg": (
                "il pagamento non andava a buon fine",
                "coda infinita alla cassa",
                "il codice sconto non funziona",
                "spese di spedizione scoperte solo alla fine",
            ),
        },
        "onboarding": {
            "pos": (
                "registrazione semplicissima",
                "la mail di benvenuto spiega tutto",
                "account aziendale attivato in pochi minuti",
            ),
            "neg": (
                "non mi e arrivata la mail di conferma",
                "registrazione troppo complicata",
                "impossibile aggiungere i colleghi all account",
            ),
        },
        "usage": {
            "pos": (
                "prodotti di ottima qualita",
                "tutto come descritto",
                "lo uso da mesi senza problemi",
            ),
            "neg": (
                "la qualita e peggiorata",
                "si e rotto dopo una settimana",
                "non corrisponde alla descrizione",
            ),
        },
        "support": {
            "pos": (
                "l operatore ha risolto tutto in 5 minuti",
                "assistenza gentile e veloce",
                "risolto alla prima telefonata",
                "mi hanno risposto in giornata",
            ),
            "neg": (
                "40 minuti di attesa al telefono",
                "ho dovuto spiegare il problema tre volte",
                "nessuno risponde alle mail",
                "hanno chiuso la pratica senza risolvere niente",
            ),
        },
        "shipping_returns": {
            "pos": (
                "consegna velocissima",
                "reso facile e rimborso rapido",
                "pacco imballato benissimo",
                "corriere puntuale e gentile",
            ),
            "neg": (
                "pacco arrivato danneggiato",
                "l etichetta per il reso non funziona",
                "aspetto ancora il rimborso",
                "il corriere ha lasciato il pacco sotto la pioggia",
            ),
        },
        "renewal": {
            "pos": (
                "rinnovo fatto in un click",
                "prezzo giusto per un altro anno",
                "sconto fedelta apprezzato",
            ),
            "neg": (
                "il prezzo e aumentato di nuovo",
                "rinnovo automatico senza avviso",
                "disdire e un incubo",
            ),
        },
    },
    late=(
        "ordine in ritardo di due settimane!!",
        "consegna in ritardo, di nuovo",
        "il pacco non arriva mai",
        "dovevano essere 2 giorni, ne sono passati 10",
        "il tracking e fermo da una settimana",
        "ancora non ho ricevuto niente",
    ),
    generic={
        "pos": (
            "ottimo servizio",
            "consigliatissimo",
            "sempre soddisfatto",
            "bravi continuate cosi",
        ),
        "neu": ("tutto ok", "niente di speciale", "nella media", "va bene dai"),
        "neg": ("molto deluso", "non ordinero piu", "esperienza pessima", "mi aspettavo di meglio"),
    },
    openers=("", "", "salve,", "allora", "sinceramente", "boh"),
    closers_pos=("", "grazie!", "grazie mille", "bravi"),
    closers_neg=("", "vergogna", "sistemate per favore", "non ci siamo"),
    but="pero",
)
