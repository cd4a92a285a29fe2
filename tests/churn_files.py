"""A churn export shaped like IBM's Telco sample (``WA_Fn-UseC_-Telco-Customer-Churn.csv``).

Same 21 columns, same spellings and value sets (``customerID``, ``Churn`` Yes/No,
``Contract`` Month-to-month/One year/Two year, ``TotalCharges`` blank — one space — for
customers in their first month), but generated rows: no third-party data is committed.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

TELCO_HEADER = [
    "customerID", "gender", "SeniorCitizen", "Partner", "Dependents", "tenure",
    "PhoneService", "MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup",
    "DeviceProtection", "TechSupport", "StreamingTV", "StreamingMovies", "Contract",
    "PaperlessBilling", "PaymentMethod", "MonthlyCharges", "TotalCharges", "Churn",
]  # fmt: skip
CONTRACTS = ("Month-to-month", "One year", "Two year")
_CHURN_ODDS = {"Month-to-month": 0.43, "One year": 0.11, "Two year": 0.03}
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_PAYMENTS = (
    "Electronic check",
    "Mailed check",
    "Bank transfer (automatic)",
    "Credit card (automatic)",
)


def write_telco(path: Path, n: int = 600, seed: int = 7) -> list[dict[str, str]]:
    """Write ``n`` Telco-shaped rows to ``path`` and return them (as the cells written)."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    for i in range(n):
        contract = rng.choice(CONTRACTS)
        tenure = 0 if i % 97 == 0 else rng.randint(1, 72)
        monthly = round(rng.uniform(18.25, 118.75), 2)
        phone = rng.choice(("Yes", "No"))
        internet = rng.choice(("DSL", "Fiber optic", "No"))
        extra = "No internet service" if internet == "No" else None
        row = {
            "customerID": f"{rng.randint(1000, 9999)}-{''.join(rng.choices(_LETTERS, k=5))}{i}",
            "gender": rng.choice(("Female", "Male")),
            "SeniorCitizen": rng.choice(("0", "0", "0", "1")),
            "Partner": rng.choice(("Yes", "No")),
            "Dependents": rng.choice(("Yes", "No")),
            "tenure": str(tenure),
            "PhoneService": phone,
            "MultipleLines": "No phone service" if phone == "No" else rng.choice(("Yes", "No")),
            "InternetService": internet,
            **{
                k: extra or rng.choice(("Yes", "No"))
                for k in TELCO_HEADER[9:15]  # OnlineSecurity … StreamingMovies
            },
            "Contract": contract,
            "PaperlessBilling": rng.choice(("Yes", "No")),
            "PaymentMethod": rng.choice(_PAYMENTS),
            "MonthlyCharges": f"{monthly:.2f}",
            "TotalCharges": " " if tenure == 0 else f"{monthly * tenure:.2f}",
            "Churn": "Yes" if rng.random() < _CHURN_ODDS[contract] else "No",
        }
        rows.append(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=TELCO_HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return rows
