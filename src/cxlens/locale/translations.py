"""Source of the UI catalogs: every UI string and its translation per language.

``python -m cxlens.locale.translations`` rewrites the ``.po`` files and compiles the ``.mo``
files next to them (``tests/web/pages/test_catalogs.py`` fails when they are stale).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from cxlens.core.vocabulary import TRANSLATED_LANGUAGES, UI_LANGUAGES

LANGUAGES = TRANSLATED_LANGUAGES
HERE = Path(__file__).resolve().parent

# msgid: (it, ro, nl, fy, fr, de, es)
MESSAGES: dict[str, tuple[str, str, str, str, str, str, str]] = {
    "Close": ("Chiudi", "Închide", "Sluiten", "Slute", "Fermer", "Schließen", "Cerrar"),
    "Language": ("Lingua", "Limbă", "Taal", "Taal", "Langue", "Sprache", "Idioma"),
    "Next": ("Avanti", "Înainte", "Volgende", "Folgjende", "Suivant", "Weiter", "Siguiente"),
    "Send": ("Invia", "Trimite", "Versturen", "Ferstjoere", "Envoyer", "Senden", "Enviar"),
    "optional": (
        "facoltativo",
        "opțional",
        "optioneel",
        "opsjoneel",
        "facultatif",
        "optional",
        "opcional",
    ),
    "Please choose an answer.": (
        "Scegli una risposta.",
        "Alegeți un răspuns.",
        "Kies een antwoord.",
        "Kies in antwurd.",
        "Veuillez choisir une réponse.",
        "Bitte wählen Sie eine Antwort.",
        "Elija una respuesta.",
    ),
    "This answer is not valid.": (
        "Questa risposta non è valida.",
        "Acest răspuns nu este valid.",
        "Dit antwoord is niet geldig.",
        "Dit antwurd is net jildich.",
        "Cette réponse n’est pas valide.",
        "Diese Antwort ist ungültig.",
        "Esta respuesta no es válida.",
    ),
    "Please go back and try again.": (
        "Torna indietro e riprova.",
        "Reveniți și încercați din nou.",
        "Ga terug en probeer het opnieuw.",
        "Gean werom en besykje it nochris.",
        "Veuillez revenir en arrière et réessayer.",
        "Bitte gehen Sie zurück und versuchen Sie es erneut.",
        "Vuelva atrás e inténtelo de nuevo.",
    ),
    "This link has expired": (
        "Questo link è scaduto",
        "Acest link a expirat",
        "Deze link is verlopen",
        "Dizze keppeling is ferrûn",
        "Ce lien a expiré",
        "Dieser Link ist abgelaufen",
        "Este enlace ha caducado",
    ),
    "Please use the link in a more recent message from us.": (
        "Usa il link di un nostro messaggio più recente.",
        "Folosiți linkul dintr-un mesaj mai recent de la noi.",
        "Gebruik de link in een recenter bericht van ons.",
        "Brûk de keppeling yn in resinter berjocht fan ús.",
        "Veuillez utiliser le lien d’un message plus récent de notre part.",
        "Bitte verwenden Sie den Link in einer neueren Nachricht von uns.",
        "Use el enlace de un mensaje nuestro más reciente.",
    ),
    "Your answers can no longer be changed.": (
        "Le tue risposte non possono più essere modificate.",
        "Răspunsurile dvs. nu mai pot fi modificate.",
        "Uw antwoorden kunnen niet meer worden gewijzigd.",
        "Jo antwurden kinne net mear feroare wurde.",
        "Vos réponses ne peuvent plus être modifiées.",
        "Ihre Antworten können nicht mehr geändert werden.",
        "Sus respuestas ya no se pueden cambiar.",
    ),
    "This survey is not open to everyone": (
        "Questo sondaggio non è aperto a tutti",
        "Acest sondaj nu este deschis tuturor",
        "Deze enquête staat niet voor iedereen open",
        "Dizze enkête stiet net foar elkenien iepen",
        "Cette enquête n’est pas ouverte à tous",
        "Diese Umfrage ist nicht für alle offen",
        "Esta encuesta no está abierta a todos",
    ),
    "Please wait a moment and try again.": (
        "Attendi un momento e riprova.",
        "Așteptați puțin și încercați din nou.",
        "Wacht even en probeer het opnieuw.",
        "Wachtsje efkes en besykje it nochris.",
        "Veuillez patienter un instant et réessayer.",
        "Bitte warten Sie einen Moment und versuchen Sie es erneut.",
        "Espere un momento e inténtelo de nuevo.",
    ),
    "Stop receiving survey invitations from us?": (
        "Non ricevere più i nostri inviti ai sondaggi?",
        "Nu mai doriți să primiți invitații la sondaje de la noi?",
        "Wilt u geen uitnodigingen voor enquêtes meer van ons ontvangen?",
        "Wolle jo gjin útnoegingen foar enkêtes mear fan ús krije?",
        "Ne plus recevoir nos invitations à des enquêtes ?",
        "Keine Einladungen zu Umfragen mehr von uns erhalten?",
        "¿Dejar de recibir nuestras invitaciones a encuestas?",
    ),
    "Thank you for your feedback!": (
        "Grazie per il tuo feedback!",
        "Vă mulțumim pentru feedback!",
        "Bedankt voor uw feedback!",
        "Tige tank foar jo miening!",
        "Merci pour votre avis !",
        "Vielen Dank für Ihr Feedback!",
        "¡Gracias por su opinión!",
    ),
    "Thank you!": (
        "Grazie!",
        "Vă mulțumim!",
        "Bedankt!",
        "Tige tank!",
        "Merci !",
        "Vielen Dank!",
        "¡Gracias!",
    ),
    "The form has expired": (
        "Il modulo è scaduto",
        "Formularul a expirat",
        "Het formulier is verlopen",
        "It formulier is ferrûn",
        "Le formulaire a expiré",
        "Das Formular ist abgelaufen",
        "El formulario ha caducado",
    ),
    "The link may be incomplete or no longer valid.": (
        "Il link potrebbe essere incompleto o non più valido.",
        "Linkul poate fi incomplet sau nu mai este valid.",
        "De link is mogelijk onvolledig of niet meer geldig.",
        "De keppeling is mooglik net folslein of net mear jildich.",
        "Le lien est peut-être incomplet ou n’est plus valide.",
        "Der Link ist möglicherweise unvollständig oder nicht mehr gültig.",
        "Es posible que el enlace esté incompleto o ya no sea válido.",
    ),
    "This link is not valid": (
        "Questo link non è valido",
        "Acest link nu este valid",
        "Deze link is niet geldig",
        "Dizze keppeling is net jildich",
        "Ce lien n’est pas valide",
        "Dieser Link ist ungültig",
        "Este enlace no es válido",
    ),
    "Too many requests": (
        "Troppe richieste",
        "Prea multe solicitări",
        "Te veel verzoeken",
        "Tefolle fersiken",
        "Trop de requêtes",
        "Zu viele Anfragen",
        "Demasiadas solicitudes",
    ),
    "Unsubscribe": (
        "Annulla l’iscrizione",
        "Dezabonare",
        "Afmelden",
        "Ofmelde",
        "Se désabonner",
        "Abmelden",
        "Darse de baja",
    ),
    "You have been unsubscribed": (
        "Iscrizione annullata",
        "V-ați dezabonat",
        "U bent afgemeld",
        "Jo binne ôfmeld",
        "Vous êtes désabonné",
        "Sie wurden abgemeldet",
        "Se ha dado de baja",
    ),
    "You will not receive any more survey invitations from us.": (
        "Non riceverai più i nostri inviti ai sondaggi.",
        "Nu veți mai primi invitații la sondaje de la noi.",
        "U ontvangt geen uitnodigingen voor enquêtes meer van ons.",
        "Jo krije gjin útnoegingen foar enkêtes mear fan ús.",
        "Vous ne recevrez plus nos invitations à des enquêtes.",
        "Sie erhalten keine Einladungen zu Umfragen mehr von uns.",
        "No recibirá más invitaciones a encuestas de nuestra parte.",
    ),
    "Your answers have been saved.": (
        "Le tue risposte sono state salvate.",
        "Răspunsurile dvs. au fost salvate.",
        "Uw antwoorden zijn opgeslagen.",
        "Jo antwurden binne bewarre.",
        "Vos réponses ont été enregistrées.",
        "Ihre Antworten wurden gespeichert.",
        "Sus respuestas se han guardado.",
    ),
    "Something went wrong": (
        "Qualcosa è andato storto",
        "Ceva nu a mers bine",
        "Er is iets misgegaan",
        "Der is wat misgien",
        "Un problème est survenu",
        "Etwas ist schiefgelaufen",
        "Algo salió mal",
    ),
    "Your answer is too long (limit: %(limit)s characters).": (
        "La risposta è troppo lunga (limite: %(limit)s caratteri).",
        "Răspunsul este prea lung (limită: %(limit)s caractere).",
        "Uw antwoord is te lang (limiet: %(limit)s tekens).",
        "Jo antwurd is te lang (limyt: %(limit)s tekens).",
        "Votre réponse est trop longue (limite : %(limit)s caractères).",
        "Ihre Antwort ist zu lang (Grenze: %(limit)s Zeichen).",
        "Su respuesta es demasiado larga (límite: %(limit)s caracteres).",
    ),
    "Your code:": (
        "Il tuo codice:",
        "Codul dvs.:",
        "Uw code:",
        "Jo koade:",
        "Votre code :",
        "Ihr Code:",
        "Su código:",
    ),
}


def catalog(language: str) -> Catalog:
    """The catalog of ``language`` (``en``: every msgstr empty, the msgid is the text)."""
    cat = Catalog(locale=language, domain="cxlens", project="cxlens", version="1", fuzzy=False)
    for msgid, texts in sorted(MESSAGES.items()):
        cat.add(msgid, "" if language == "en" else texts[LANGUAGES.index(language)])
    return cat


def write_all() -> None:
    """Write ``<lang>/LC_MESSAGES/cxlens.po`` and ``.mo`` for every language."""
    for language in UI_LANGUAGES:
        folder = HERE / language / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        cat = catalog(language)
        with (folder / "cxlens.po").open("wb") as po:
            write_po(po, cat, omit_header=False, width=100, sort_output=True)
        with (folder / "cxlens.mo").open("wb") as mo:
            write_mo(mo, cat)


if __name__ == "__main__":
    write_all()
