"""The words of invitation emails and SMS in en, it, ro, nl, fy, fr, de and es.

Placeholders: ``${first_name}``, ``${company}`` (email) and ``${link}`` (SMS). The SMS
templates go from longest to shortest; the composer picks the first that fits a segment.
"""

from __future__ import annotations

from dataclasses import dataclass

from cxlens.channels.email import EmailTemplate
from cxlens.core.vocabulary import UI_LANGUAGES

LANGUAGES = UI_LANGUAGES


@dataclass(frozen=True, slots=True)
class Words:
    """One language's invitation texts (the signature comes from the settings)."""

    subject: str
    subject_without_name: str
    greeting: str
    greeting_without_name: str
    body: str
    call_to_action: str
    unsubscribe_text: str
    reminder_prefix: str
    sms: tuple[str, ...]


WORDS: dict[str, Words] = {
    "en": Words(
        "${first_name}, how did we do?",
        "How did we do?",
        "Hello ${first_name},",
        "Hello,",
        "Thank you for choosing ${company}. Would you tell us how it went? It takes one click.",
        "Answer the survey",
        "Unsubscribe from these emails",
        "Reminder: ",
        (
            "Hi ${first_name}, how did ${company} do? One click: ${link}",
            "${company}: how did we do? ${link}",
            "How did we do? ${link}",
        ),
    ),
    "it": Words(
        "${first_name}, com'è andata?",
        "Com'è andata?",
        "Buongiorno ${first_name},",
        "Buongiorno,",
        "Grazie per aver scelto ${company}. Ci racconta com'è andata? Basta un clic.",
        "Rispondi al sondaggio",
        "Non ricevere più queste email",
        "Promemoria: ",
        (
            "Ciao ${first_name}, com'è andata con ${company}? Un clic: ${link}",
            "${company}: com'è andata? ${link}",
            "Com'è andata? ${link}",
        ),
    ),
    "ro": Words(
        "${first_name}, cum a fost?",
        "Cum a fost?",
        "Bună ziua, ${first_name},",
        "Bună ziua,",
        "Vă mulțumim că ați ales ${company}. Ne spuneți cum a fost? Durează un clic.",
        "Răspundeți la sondaj",
        "Dezabonare de la aceste emailuri",
        "Reamintire: ",
        (
            "Buna ${first_name}, cum a fost la ${company}? Un clic: ${link}",
            "${company}: cum a fost? ${link}",
            "Cum a fost? ${link}",
        ),
    ),
    "nl": Words(
        "${first_name}, hoe hebben we het gedaan?",
        "Hoe hebben we het gedaan?",
        "Hallo ${first_name},",
        "Hallo,",
        "Bedankt dat u voor ${company} hebt gekozen. Wilt u ons vertellen hoe het ging? "
        "Het kost één klik.",
        "Beantwoord de enquête",
        "Afmelden voor deze e-mails",
        "Herinnering: ",
        (
            "Hoi ${first_name}, hoe deed ${company} het? Eén klik: ${link}",
            "${company}: hoe deden we het? ${link}",
            "Hoe deden we het? ${link}",
        ),
    ),
    "fy": Words(
        "${first_name}, hoe hawwe wy it dien?",
        "Hoe hawwe wy it dien?",
        "Hallo ${first_name},",
        "Hallo,",
        "Tank dat jo foar ${company} keazen hawwe. Wolle jo ús fertelle hoe't it gie? "
        "It kostet ien klik.",
        "Beäntwurdzje de enkête",
        "Ofmelde foar dizze e-mails",
        "Oantinken: ",
        (
            "Hoi ${first_name}, hoe die ${company} it? Ien klik: ${link}",
            "${company}: hoe diene wy it? ${link}",
            "Hoe diene wy it? ${link}",
        ),
    ),
    "fr": Words(
        "${first_name}, comment cela s'est-il passé ?",
        "Comment cela s'est-il passé ?",
        "Bonjour ${first_name},",
        "Bonjour,",
        "Merci d'avoir choisi ${company}. Pouvez-vous nous dire comment cela s'est passé ? "
        "Un seul clic suffit.",
        "Répondre à l'enquête",
        "Se désabonner de ces e-mails",
        "Rappel : ",
        (
            "Bonjour ${first_name}, comment était ${company} ? Un clic : ${link}",
            "${company} : votre avis ? ${link}",
            "Votre avis ? ${link}",
        ),
    ),
    "de": Words(
        "${first_name}, wie war es?",
        "Wie war es?",
        "Hallo ${first_name},",
        "Guten Tag,",
        "Danke, dass Sie sich für ${company} entschieden haben. Wie war es? Ein Klick genügt.",
        "Zur Umfrage",
        "Diese E-Mails abbestellen",
        "Erinnerung: ",
        (
            "Hallo ${first_name}, wie war es bei ${company}? Ein Klick: ${link}",
            "${company}: Wie war es? ${link}",
            "Wie war es? ${link}",
        ),
    ),
    "es": Words(
        "${first_name}, ¿qué tal lo hicimos?",
        "¿Qué tal lo hicimos?",
        "Hola, ${first_name}:",
        "Hola:",
        "Gracias por elegir ${company}. ¿Nos cuenta qué tal fue? Solo un clic.",
        "Responder a la encuesta",
        "Darse de baja de estos correos",
        "Recordatorio: ",
        (
            "Hola ${first_name}, ¿qué tal ${company}? Un clic: ${link}",
            "${company}: ¿qué tal fue? ${link}",
            "¿Qué tal fue? ${link}",
        ),
    ),
}


def language_for(*candidates: str | None) -> str:
    """The first candidate (``it``, ``it-IT``, ``it_IT``) we have texts for, else ``en``."""
    for tag in candidates:
        if not tag:
            continue
        primary = tag.replace("_", "-").split("-", 1)[0].lower()
        if primary in WORDS:
            return primary
    return "en"


def email_template(language: str, signature: str, *, reminder: bool = False) -> EmailTemplate:
    """The :class:`EmailTemplate` of ``language`` signed with ``signature``."""
    w = WORDS[language_for(language)]
    prefix = w.reminder_prefix if reminder else ""
    return EmailTemplate(
        subject=prefix + w.subject,
        subject_without_name=prefix + w.subject_without_name,
        greeting=w.greeting,
        greeting_without_name=w.greeting_without_name,
        body=w.body,
        call_to_action=w.call_to_action,
        signature=signature,
        unsubscribe_text=w.unsubscribe_text,
    )


def reminder_prefix(language: str) -> str:
    """What a reminder's subject starts with in ``language`` (``Reminder: ``)."""
    return WORDS[language_for(language)].reminder_prefix


def sms_templates(language: str) -> tuple[str, ...]:
    """The SMS templates of ``language``, longest first."""
    return WORDS[language_for(language)].sms
