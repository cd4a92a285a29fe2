"""West Frisian (Frysk) fragments."""

from cxlens.demo.phrases.bank import Bank

BANK = Bank(
    language="fy",
    topics={
        "website": {
            "pos": (
                "de webside is maklik",
                "ik hie fluch wat ik socht",
                "wurket goed op myn telefoan",
                "alles stiet dúdlik op de side",
            ),
            "neg": (
                "de webside rint hieltyd fêst",
                "it sykjen fynt neat",
                "de side is tige stadich",
                "tefolle reklame op de side",
            ),
        },
        "checkout": {
            "pos": (
                "betelje gie fluch",
                "it personiel yn de winkel wie tige freonlik",
                "de koartingskoade die it daliks",
                "mei ideal betelje wie maklik",
            ),
            "neg": (
                "it beteljen gie twa kear mis",
                "lange rige by de kassa",
                "de koartingskoade docht it net",
                "ferstjoerkosten pas oan de ein te sjen",
            ),
        },
        "onboarding": {
            "pos": (
                "myn akkount wie sa klear",
                "de wolkommail leit alles goed út",
                "kollega's tafoegje gie maklik",
            ),
            "neg": (
                "noait in befêstigingsmail krigen",
                "oanmelden is te dreech",
                "kin gjin kollega's tafoegje oan it bedriuwsakkount",
            ),
        },
        "usage": {
            "pos": (
                "goede kwaliteit",
                "alles sa as beskreaun",
                "brûk it al moannen sûnder problemen",
            ),
            "neg": (
                "de kwaliteit is minder wurden",
                "nei in wike stikken",
                "klopt net mei de beskriuwing",
                "de app smyt my hieltyd derút",
            ),
        },
        "support": {
            "pos": (
                "de meiwurker hie it yn 5 minuten oplost",
                "de helpdesk wie tige freonlik",
                "yn ien kear oplost",
                "se hawwe deselde dei reagearre",
            ),
            "neg": (
                "40 minuten wachtsje oan de telefoan",
                "trije kear myn ferhaal dwaan moatten",
                "gjinien reagearret op myn mails",
                "ticket sluten sûnder oplossing",
            ),
        },
        "shipping_returns": {
            "pos": (
                "flugge levering",
                "weromstjoeren wie maklik",
                "pakket goed ynpakt",
                "de besoarger wie op 'e tiid",
            ),
            "neg": (
                "pakket kaam stikken oan",
                "it weromstjoerlabel docht it net",
                "wachtsje noch altyd op myn jild",
                "de besoarger liet it pakket yn 'e rein stean",
            ),
        },
        "renewal": {
            "pos": ("ferlingje gie mei ien klik", "earlike priis foar noch in jier"),
            "neg": (
                "de priis is wer omheech gien",
                "opsizze is te dreech",
                "automatysk ferlinge sûnder berjocht",
            ),
        },
    },
    late=(
        "myn bestelling is twa wiken te let!!",
        "de levering wie wer te let",
        "it pakket duorre tige lang",
        "twa dagen sizze se, it waarden tsien",
        "noch altyd neat ûntfongen",
        "track en trace al in wike net bywurke",
    ),
    generic={
        "pos": ("tige tefreden", "in oanrader", "altyd goed holpen", "moai sa"),
        "neu": ("it wie goed", "neat bysûnders", "gewoan goed"),
        "neg": (
            "tige teloarsteld",
            "ik bestel hjir net wer",
            "min ûnderfining",
            "hie mear ferwachte",
        ),
    },
    openers=("", "", "hoi,", "no", "earlik sein"),
    closers_pos=("", "tige tank!", "tank", "top"),
    closers_neg=("", "los dit op asjebleaft", "net bliid"),
    but="mar",
)
