"""French fragments."""

from cxlens.demo.phrases.bank import Bank

BANK = Bank(
    language="fr",
    topics={
        "website": {
            "pos": (
                "site facile a utiliser",
                "j'ai trouvé ce que je cherchais en 2 min",
                "le site marche bien sur mobile",
                "photos des produits tres claires",
            ),
            "neg": (
                "le site plante tout le temps",
                "la recherche ne trouve rien",
                "trop de pop-up sur le site",
                "page super lente",
            ),
        },
        "checkout": {
            "pos": (
                "paiement rapide",
                "vendeurs en magasin tres sympas",
                "le code promo a marché direct",
                "pas d'attente en caisse",
            ),
            "neg": (
                "le paiement a échoué deux fois",
                "queue interminable en caisse",
                "code promo qui marche pas",
                "frais de port affichés qu'a la fin",
            ),
        },
        "onboarding": {
            "pos": (
                "compte créé en 2 minutes",
                "le mail de bienvenue explique tout",
                "facile d'ajouter mes collegues",
            ),
            "neg": (
                "jamais reçu le mail de confirmation",
                "inscription trop compliquée",
                "impossible d'ajouter mes collegues",
            ),
        },
        "usage": {
            "pos": (
                "produits de bonne qualité",
                "conforme a la description",
                "je l'utilise depuis des mois sans souci",
            ),
            "neg": (
                "la qualité a baissé",
                "cassé au bout d'une semaine",
                "pas conforme a la description",
            ),
        },
        "support": {
            "pos": (
                "le conseiller a tout réglé en 5 min",
                "service client rapide et aimable",
                "réglé des le premier appel",
                "réponse le jour meme",
            ),
            "neg": (
                "40 minutes d'attente au telephone",
                "j'ai du expliquer trois fois mon probleme",
                "personne ne répond aux mails",
                "ticket fermé sans solution",
            ),
        },
        "shipping_returns": {
            "pos": (
                "livraison rapide",
                "retour facile et remboursement rapide",
                "colis bien emballé",
                "livreur ponctuel",
            ),
            "neg": (
                "colis arrivé abimé",
                "l'étiquette de retour marche pas",
                "toujours pas remboursé",
                "le livreur a laissé le colis sous la pluie",
            ),
        },
        "renewal": {
            "pos": (
                "renouvellement en un clic",
                "prix correct pour une année de plus",
                "merci pour la remise fidélité",
            ),
            "neg": (
                "encore une hausse de prix",
                "renouvelé automatiquement sans prévenir",
                "résilier c'est l'enfer",
            ),
        },
    },
    late=(
        "commande en retard de deux semaines!!",
        "livraison encore en retard",
        "le colis met une éternité",
        "livraison en 2 jours soi-disant, ca en a pris 10",
        "le suivi n'a pas bougé depuis une semaine",
        "toujours rien reçu",
    ),
    generic={
        "pos": ("super service", "je recommande", "toujours satisfait", "continuez comme ca"),
        "neu": ("c'était correct", "rien de spécial", "bof", "ca va"),
        "neg": (
            "tres déçu",
            "je ne commanderai plus",
            "expérience horrible",
            "je m'attendais a mieux",
        ),
    },
    openers=("", "", "bonjour,", "bon", "franchement", "alors"),
    closers_pos=("", "merci!", "merci beaucoup", "bravo"),
    closers_neg=("", "inadmissible", "a revoir", "pas content"),
    but="mais",
)
