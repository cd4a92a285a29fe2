"""Write the realistic export fixtures in this folder (run once; the CSV files are committed).

Each file imitates one tool's real export as closely as we know it: its column set and
metadata, its header rows, its date format, answer labels where the tool writes labels, and
~150 responses with a realistic NPS spread and comments holding commas, quotes, newlines,
emoji and accents. The tests compute the expected NPS from these files with the csv module,
not with cxlens.

    python tests/data/surveys/realistic/generate.py
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

HERE = Path(__file__).parent
ROWS = 150

COMMENTS_EN = [
    "Great service, fast delivery",
    'The "express" option wasn\'t express at all',
    "Support was friendly.\nBut it took 3 calls to fix my order",
    "Prices are OK, quality could be better 👍",
    "Café staff were lovely – will come back",
    "Too expensive, sorry",
    "",
    "",
    "Nothing to add",
    "Website is confusing; couldn't find the returns page",
    "Naïve question maybe, but why no Apple Pay?",
    "10/10 would recommend!!!",
]
COMMENTS_IT = [
    "Servizio ottimo, consegna veloce",
    'Il corriere ha detto "domani" per una settimana',
    "Personale gentile.\nPerò il sito è lento",
    "Prezzi un po' alti, qualità buona",
    "",
    "",
    "Perché non accettate PayPal?",
    "Tutto perfetto 😊",
]


def _nps(rng: random.Random) -> int:
    """A realistic spread: ~45% promoters, ~30% passives, ~25% detractors."""
    roll = rng.random()
    if roll < 0.45:
        return rng.choice([9, 10, 10])
    if roll < 0.75:
        return rng.choice([7, 8, 8])
    return rng.choice([0, 1, 2, 3, 4, 5, 5, 6, 6, 6])


def _near(score: int, rng: random.Random, points: int) -> int:
    """A satisfaction score on ``points`` that goes with an NPS answer."""
    base = 1 + round(score / 10 * (points - 1))
    return max(1, min(points, base + rng.choice([-1, 0, 0, 0, 1])))


def _write(name: str, rows: list[list[str]], **kwargs: object) -> None:
    with (HERE / name).open("w", encoding=str(kwargs.pop("encoding", "utf-8")), newline="") as f:
        csv.writer(f, **kwargs).writerows(rows)  # type: ignore[arg-type]


def qualtrics(rng: random.Random) -> None:
    """Choice-text export, three header rows, previews and spam, partial responses."""
    sat7 = [
        "Extremely dissatisfied", "Moderately dissatisfied", "Slightly dissatisfied",
        "Neither satisfied nor dissatisfied", "Slightly satisfied", "Moderately satisfied",
        "Extremely satisfied",
    ]  # fmt: skip
    ease5 = [
        "Extremely difficult", "Somewhat difficult", "Neither easy nor difficult",
        "Somewhat easy", "Extremely easy",
    ]  # fmt: skip
    channels = ["Email", "Phone", "Live chat", "In store", "Other"]
    cols = [
        ("StartDate", "Start Date", {"ImportId": "startDate", "timeZone": "America/Denver"}),
        ("EndDate", "End Date", {"ImportId": "endDate", "timeZone": "America/Denver"}),
        ("Status", "Response Type", {"ImportId": "status"}),
        ("IPAddress", "IP Address", {"ImportId": "ipAddress"}),
        ("Progress", "Progress", {"ImportId": "progress"}),
        ("Duration (in seconds)", "Duration (in seconds)", {"ImportId": "duration"}),
        ("Finished", "Finished", {"ImportId": "finished"}),
        ("RecordedDate", "Recorded Date",
         {"ImportId": "recordedDate", "timeZone": "America/Denver"}),
        ("ResponseId", "Response ID", {"ImportId": "_recordId"}),
        ("RecipientLastName", "Recipient Last Name", {"ImportId": "recipientLastName"}),
        ("RecipientFirstName", "Recipient First Name", {"ImportId": "recipientFirstName"}),
        ("RecipientEmail", "Recipient Email", {"ImportId": "recipientEmail"}),
        ("ExternalReference", "External Data Reference", {"ImportId": "externalDataReference"}),
        ("LocationLatitude", "Location Latitude", {"ImportId": "locationLatitude"}),
        ("LocationLongitude", "Location Longitude", {"ImportId": "locationLongitude"}),
        ("DistributionChannel", "Distribution Channel", {"ImportId": "distributionChannel"}),
        ("UserLanguage", "User Language", {"ImportId": "userLanguage"}),
        ("Q_RecaptchaScore", "Q_RecaptchaScore", {"ImportId": "Q_RecaptchaScore"}),
        ("Q1", "How likely is it that you would recommend Acme Outdoor to a friend or colleague?",
         {"ImportId": "QID1"}),
        ("Q1_NPS_GROUP",
         "How likely is it that you would recommend Acme Outdoor to a friend or colleague? - Group",
         {"ImportId": "QID1_NPS_GROUP"}),
        ("Q2", "Overall, how satisfied or dissatisfied are you with Acme Outdoor?",
         {"ImportId": "QID2"}),
        ("Q3", "What is the most important reason for your score?", {"ImportId": "QID3_TEXT"}),
        ("Q4", "Which channels did you use to contact us? - Selected Choice", {"ImportId": "QID4"}),
        ("Q4_5_TEXT", "Which channels did you use to contact us? - Other - Text",
         {"ImportId": "QID4_5_TEXT"}),
        ("Q5", "How easy was it to find what you were looking for on our website?",
         {"ImportId": "QID5"}),
    ]  # fmt: skip
    rows = [[c[0] for c in cols], [c[1] for c in cols]]
    rows.append([json.dumps(c[2], separators=(",", ":")) for c in cols])
    start = dt.datetime(2024, 3, 1, 8, 0, 0)
    for i in range(ROWS):
        begin = start + dt.timedelta(hours=11 * i, minutes=rng.randint(0, 59))
        seconds = rng.randint(40, 900)
        status = "IP Address"
        if i in (3, 57, 101, 140):
            status = "Survey Preview"
        elif i in (77, 120):
            status = "Spam"
        finished = rng.random() > 0.08
        score = _nps(rng)
        nps = {0: "0 - Not at all likely", 10: "10 - Extremely likely"}.get(score, str(score))
        group = "Promoter" if score >= 9 else "Passive" if score >= 7 else "Detractor"
        chosen = sorted(rng.sample(range(5), rng.randint(1, 2)))
        others = ["Twitter DM", "Letter, by post", "Asked a friend"]
        other = rng.choice(others) if 4 in chosen else ""
        answers = [
            nps,
            group,
            sat7[_near(score, rng, 7) - 1],
            rng.choice(COMMENTS_EN),
            ",".join(channels[c] for c in chosen),
            other,
            ease5[_near(score, rng, 5) - 1],
        ]
        progress = "100"
        if not finished:
            cut = rng.choice([2, 3, 5])
            answers = answers[:cut] + [""] * (len(answers) - cut)
            progress = str(20 + 10 * cut)
        end = begin + dt.timedelta(seconds=seconds)
        recorded = end + (dt.timedelta(seconds=1) if finished else dt.timedelta(days=7))
        rows.append([
            begin.strftime("%Y-%m-%d %H:%M:%S"),
            end.strftime("%Y-%m-%d %H:%M:%S"),
            status,
            "" if status == "Survey Preview" else f"203.0.113.{i % 250}",
            progress,
            str(seconds),
            "True" if finished else "False",
            recorded.strftime("%Y-%m-%d %H:%M:%S"),
            f"R_{rng.getrandbits(60):015x}"[:17],
            "", "", "", "",
            f"{39.7 + rng.random():.4f}", f"{-105.0 - rng.random():.4f}",
            "preview" if status == "Survey Preview" else "anonymous",
            "EN",
            f"{rng.choice([0.9, 1.0, 0.8, 0.3]):.1f}",
            *answers,
        ])  # fmt: skip
    _write("qualtrics_choice_text.csv", rows, encoding="utf-8-sig")


def surveymonkey(rng: random.Random) -> list[list[str]]:
    """Two header rows, labels for satisfaction and ease, an "Other (please specify)" column."""
    sat = [
        "Very dissatisfied", "Somewhat dissatisfied", "Neither satisfied nor dissatisfied",
        "Somewhat satisfied", "Very satisfied",
    ]  # fmt: skip
    ease = ["Very difficult", "Somewhat difficult", "Neither easy nor difficult",
            "Somewhat easy", "Very easy"]  # fmt: skip
    words = ["Reliable", "High quality", "Useful", "Good value for money", "Overpriced",
             "Unreliable"]  # fmt: skip
    support = ["Very satisfied", "Somewhat satisfied", "Neither satisfied nor dissatisfied",
               "Somewhat dissatisfied", "Very dissatisfied"]  # fmt: skip
    first = [
        "Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
        "Email Address", "First Name", "Last Name", "Custom Data 1",
        "How likely is it that you would recommend Northwind Goods to a friend or colleague?",
        "Overall, how satisfied or dissatisfied are you with our company?",
        "How easy was it to get the help you needed?",
        "Which of the following words would you use to describe our products? Select all"
        " that apply.",
        *[""] * (len(words) - 1),
        "How satisfied were you with the way our support team handled your request?",
        "",
        "Do you have any other comments, questions, or concerns?",
    ]  # fmt: skip
    second = [""] * 9 + ["Response", "Response", "Response", *words]
    second += ["Response", "Other (please specify)", "Open-Ended Response"]
    rows = [first, second]
    start = dt.datetime(2024, 3, 4, 9, 0, 0)
    for i in range(ROWS):
        begin = start + dt.timedelta(hours=9 * i, minutes=rng.randint(0, 59), seconds=i % 60)
        end = begin + dt.timedelta(seconds=rng.randint(60, 1200))
        score = _nps(rng)
        picked = [w if rng.random() < 0.3 else "" for w in words]
        other = ""
        handled = rng.choice(support)
        if rng.random() < 0.1:
            handled, other = "", rng.choice(["I never contacted support", "Still waiting, 2 weeks"])
        rows.append([
            str(114_500_000_000 + rng.randint(0, 9_999_999)),
            "431234567",
            begin.strftime("%m/%d/%Y %I:%M:%S %p"),
            end.strftime("%m/%d/%Y %I:%M:%S %p"),
            f"198.51.100.{i % 250}",
            "", "", "", "",
            str(score) if rng.random() > 0.03 else "",
            sat[_near(score, rng, 5) - 1],
            ease[_near(score, rng, 5) - 1] if rng.random() > 0.05 else "",
            *picked,
            handled,
            other,
            rng.choice(COMMENTS_EN),
        ])  # fmt: skip
    _write("surveymonkey_labels.csv", rows, encoding="utf-8-sig")
    return rows


def google_forms(rng: random.Random) -> None:
    """Current CSV: "2024/03/01 1:04:11 PM GMT+1" timestamps (offset per value, DST)."""
    header = [
        "Timestamp",
        "Email address",
        "How likely are you to recommend Café Lumière to a friend or colleague?",
        "How satisfied were you with your visit?",
        "Which location did you visit?",
        "What could we do better?",
    ]
    rows = [header]
    start = dt.datetime(2024, 3, 20, 9, 0, 0)
    for i in range(ROWS):
        local = start + dt.timedelta(hours=5 * i, minutes=rng.randint(0, 59), seconds=i % 60)
        offset = 2 if local >= dt.datetime(2024, 3, 31, 2, 0, 0) else 1
        stamp = local.strftime("%Y/%m/%d %I:%M:%S %p").replace(" 0", " ", 1)
        score = _nps(rng)
        rows.append([
            f"{stamp} GMT+{offset}",
            f"guest{i}@example.org" if rng.random() < 0.4 else "",
            str(score),
            str(_near(score, rng, 5)),
            rng.choice(["Paris – Marais", "Lyon, Part-Dieu", "Bruxelles"]),
            rng.choice(COMMENTS_EN),
        ])  # fmt: skip
    _write("google_forms_gmt.csv", rows)


def typeform(rng: random.Random) -> None:
    """``#`` token first, "Submitted At" in UTC, a Token column, partial answers."""
    header = [
        "#",
        "How likely are you to recommend Brightdesk to a friend or colleague?",
        "What's the main reason for your score?",
        "How easy was it to set up Brightdesk?",
        "Which plan are you on?",
        "Submitted At",
        "Token",
    ]
    rows = [header]
    start = dt.datetime(2024, 3, 1, 9, 4, 11)
    for i in range(ROWS):
        token = f"{rng.getrandbits(128):032x}"
        score = _nps(rng)
        when = start + dt.timedelta(hours=7 * i, seconds=rng.randint(0, 3000))
        rows.append([
            token,
            str(score),
            rng.choice(COMMENTS_EN),
            str(_near(score, rng, 5)) if rng.random() > 0.1 else "",
            rng.choice(["Free", "Team", "Business", "Enterprise"]),
            when.strftime("%Y-%m-%d %H:%M:%S"),
            token,
        ])  # fmt: skip
    _write("typeform_submitted_at.csv", rows)


def limesurvey(rng: random.Random) -> None:
    """Full question texts, Italian, all fields quoted, incomplete responses undated."""
    sat = ["Molto insoddisfatto", "Insoddisfatto", "Né soddisfatto né insoddisfatto",
           "Soddisfatto", "Molto soddisfatto"]  # fmt: skip
    header = [
        "Response ID", "Date submitted", "Last page", "Start language", "Seed",
        "Date started", "Date last action", "Referrer URL",
        "Quanto è probabile che consiglieresti Bottega Verde a un amico o a un collega?",
        "Quanto sei soddisfatto del nostro servizio clienti?",
        "Hai altri commenti o suggerimenti?",
    ]  # fmt: skip
    rows = [header]
    start = dt.datetime(2024, 2, 1, 10, 0, 0)
    for i in range(ROWS):
        begun = start + dt.timedelta(hours=6 * i, minutes=rng.randint(0, 59))
        last = begun + dt.timedelta(minutes=rng.randint(1, 15))
        complete = rng.random() > 0.12
        score = _nps(rng)
        answered_nps = complete or rng.random() < 0.6
        rows.append([
            str(i + 1),
            last.strftime("%Y-%m-%d %H:%M:%S") if complete else "",
            "3" if complete else "1",
            "it",
            str(rng.randint(10_000_000, 99_999_999)),
            begun.strftime("%Y-%m-%d %H:%M:%S"),
            last.strftime("%Y-%m-%d %H:%M:%S"),
            "https://www.example.it/ordini?utm_source=email,newsletter",
            str(score) if answered_nps else "",
            sat[_near(score, rng, 5) - 1] if complete else "",
            rng.choice(COMMENTS_IT) if complete else "",
        ])  # fmt: skip
    _write("limesurvey_incomplete.csv", rows, quoting=csv.QUOTE_ALL)


def main() -> None:
    rng = random.Random(20240301)
    qualtrics(rng)
    surveymonkey(rng)
    google_forms(rng)
    typeform(rng)
    limesurvey(rng)


if __name__ == "__main__":
    main()
