from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

import pytest
from sqlalchemy import Engine, select

import factories as f
from cxlens.analytics import formulas as fm
from cxlens.analytics.counts import NpsCounts, ScoreCounts
from cxlens.analytics.results import MetricValue
from cxlens.analytics.scales import Scale
from cxlens.core.errors import ConfigurationError
from cxlens.db import unit_of_work
from cxlens.features.imports import (
    import_cases,
    import_customers,
    import_referrals,
    import_responses,
)
from cxlens.features.metrics import operational_metrics, store_metrics
from cxlens.features.metrics.repository.dimensions import UnknownDimensionError
from cxlens.models import Customer, Invitation, SurveyVersion


def nps_counts(scores: Sequence[float]) -> NpsCounts:
    return NpsCounts(
        n=len(scores),
        promoters=sum(s >= 9 for s in scores),
        passives=sum(7 <= s < 9 for s in scores),
        detractors=sum(s <= 6 for s in scores),
        ultra_detractors=sum(s <= 1 for s in scores),
    )


def pick(values: list[MetricValue], metric: str, **group: str | None) -> list[MetricValue]:
    return [
        v
        for v in values
        if v.metric == metric and all(v.group.get(k) == x for k, x in group.items())
    ]


def load(engine: Engine, data: f.NormalizedResponses) -> None:
    with unit_of_work(engine) as s:
        import_responses(s, data)


WEB = [10, 9, 9, 8, 7, 6, 3, 0, 10, 10, 5]
SUPPORT = [1, 2, 9, 10, 6, 6, 7]


def test_nps_by_touchpoint_matches_the_formula(migrated_engine: Engine) -> None:
    rows = f.nps_rows(WEB, touchpoint="website", prefix="w") + f.nps_rows(
        SUPPORT, touchpoint="support", prefix="s"
    )
    load(migrated_engine, f.responses(rows))
    with unit_of_work(migrated_engine) as s:
        values = store_metrics(s, by=("touchpoint",), min_n=10)
    (web,) = pick(values, "nps", touchpoint="website")
    (support,) = pick(values, "nps", touchpoint="support")
    assert web == fm.nps_value(nps_counts(WEB), min_n=10, group={"touchpoint": "website"})
    assert support == fm.nps_value(nps_counts(SUPPORT), min_n=10, group={"touchpoint": "support"})
    assert support.low_confidence and not web.low_confidence


def test_csat_ces_and_cxi_orient_and_count_top_boxes(migrated_engine: Engine) -> None:
    answers = [
        {"csat": 5, "ces": 1, "cxi_eff": 5, "cxi_ease": 4, "cxi_emo": 1},
        {"csat": 4, "ces": 2, "cxi_eff": 2, "cxi_ease": 5, "cxi_emo": 3},
        {"csat": 2, "ces": 5, "cxi_eff": 4, "cxi_ease": 1, "cxi_emo": 5},
        {"csat": 3, "ces": None, "cxi_eff": 1, "cxi_ease": 3, "cxi_emo": 4},
    ]
    load(migrated_engine, f.responses(answers, [f.CSAT_Q, f.CES_Q, *f.CXI_QS]))
    with unit_of_work(migrated_engine) as s:
        values = store_metrics(s)
    (csat,) = pick(values, "csat")
    assert (csat.n, csat.value) == (4, 50.0)
    assert csat.details["mean"] == pytest.approx(3.5)
    (ces,) = pick(values, "ces")
    oriented = [5.0, 4.0, 1.0]  # 1-5 effort scale reversed: 1 (very low effort) -> 5
    expected = fm.ces_value(
        ScoreCounts(3, 2, 1, sum(oriented), sum(x * x for x in oriented)), Scale(1, 5)
    )
    assert ces == expected
    (cxi,) = pick(values, "cxi")
    # effectiveness: top2 {5,4} 2, bottom2 {2,1} 2 -> 0; ease: 2-1 -> 25; emotion: 2-1 -> 25
    assert cxi.value == pytest.approx((0 + 25 + 25) / 3)
    assert cxi.details == {"effectiveness": 0.0, "ease": 25.0, "emotion": 25.0}


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("UTC", {"2025-01": 3, "2025-02": 1}),
        ("Europe/Rome", {"2025-01": 2, "2025-02": 2}),  # 23:30 UTC is already February
        ("America/New_York", {"2025-01": 4}),  # 2025-02-01 03:00 UTC is still January
        ("Asia/Kolkata", {"2025-01": 1, "2025-02": 3}),  # +05:30 splits the 18:00 UTC hour
    ],
)
def test_periods_are_time_zone_aware(
    migrated_engine: Engine, tz: str, expected: dict[str, int]
) -> None:
    moments = ["2025-01-31T18:15", "2025-01-31T18:45", "2025-01-31T23:30", "2025-02-01T03:00"]
    load(migrated_engine, f.responses([{"nps": 9, "submitted_at": f.ts(m)} for m in moments]))
    with unit_of_work(migrated_engine) as s:
        values = store_metrics(s, period="month", tz=tz)
    assert {v.period: v.n for v in pick(values, "nps")} == expected


def test_changes_are_tested_against_the_previous_period(migrated_engine: Engine) -> None:
    jan = [{"nps": 10 if i < 30 else 5, "submitted_at": f.ts("2025-01-10")} for i in range(40)]
    feb = [{"nps": 10 if i < 10 else 2, "submitted_at": f.ts("2025-02-10")} for i in range(40)]
    rows = [{"response_ref": f"x{i}", **r} for i, r in enumerate(jan + feb)]
    load(migrated_engine, f.responses(rows))
    with unit_of_work(migrated_engine) as s:
        values = store_metrics(s, period="month")
    jan_v, feb_v = pick(values, "nps")
    assert (jan_v.period, feb_v.period) == ("2025-01", "2025-02")
    assert jan_v.change is None
    assert feb_v.change is not None
    assert feb_v.change.difference == pytest.approx(-100.0)
    assert feb_v.change.significant


def test_slicing_by_customer_attribute_dimension_and_filters(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as s:
        import_customers(
            s,
            f.customers(
                [
                    {"customer_ref": "a", "region": "north"},
                    {"customer_ref": "b", "region": "south"},
                ]
            ),
        )
    rows = [
        {"nps": 10, "customer_ref": "a", "store": "milan", "channel": "email"},
        {"nps": 0, "customer_ref": "a", "store": "rome", "channel": "sms"},
        {"nps": 9, "customer_ref": "b", "store": "rome", "channel": "email"},
        {"nps": 8},
    ]
    load(migrated_engine, f.responses(rows, dimensions=("store",), survey_name="Shops"))
    with unit_of_work(migrated_engine) as s:
        by_region = store_metrics(s, by=("region",))
        by_store = store_metrics(s, by=("store",), filters={"channel": "email"})
        other_survey = store_metrics(s, survey="Not there")
        shops = store_metrics(s, survey="Shops", by=("survey",))
    assert {v.group["region"]: v.n for v in by_region} == {"north": 2, "south": 1, None: 1}
    assert {v.group["store"]: v.value for v in by_store} == {"milan": 100.0, "rome": 100.0}
    assert other_survey == []
    assert [(v.group, v.n) for v in shops] == [({"survey": "Shops"}, 4)]


def test_unknown_period_or_zone_is_a_configuration_error(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as s:
        with pytest.raises(ConfigurationError):
            store_metrics(s, period="fortnight")
        with pytest.raises(ConfigurationError):
            store_metrics(s, period="month", tz="Mars/Olympus")


def test_fcr_and_art(migrated_engine: Engine) -> None:
    opened = f.ts("2025-03-03T08:00")
    hours = [1, 2, 3, 4, 10]
    cases = [
        {
            "channel": "phone",
            "opened_at": opened,
            "resolved_at": opened + timedelta(hours=h),
            "contact_count": 1 if i < 3 else 2,
            "reopened": i == 2,
        }
        for i, h in enumerate(hours)
    ]
    cases.append({"channel": "phone", "opened_at": opened, "contact_count": 1})  # unresolved
    with unit_of_work(migrated_engine) as s:
        import_cases(s, f.cases(cases))
    with unit_of_work(migrated_engine) as s:
        values = operational_metrics(s, by=("channel",), period=None)
    (fcr,) = pick(values, "fcr")
    assert (fcr.n, fcr.value) == (6, pytest.approx(100 * 2 / 6))
    (art,) = pick(values, "art")
    assert (art.n, art.value) == (5, pytest.approx(4.0))
    assert art.details["median"] == pytest.approx(3.0)
    assert art.details["p90"] == pytest.approx(7.6)
    assert not pick(values, "churn")


def test_churn_retention_and_referral_rate_per_month(migrated_engine: Engine) -> None:
    people = [{"customer_ref": f"c{i}", "acquired_at": f.ts("2024-12-05")} for i in range(10)]
    people[0]["churned_at"] = f.ts("2025-01-20")
    people[1]["churned_at"] = f.ts("2025-01-25")
    people.append({"customer_ref": "new", "acquired_at": f.ts("2025-01-10")})
    with unit_of_work(migrated_engine) as s:
        import_customers(s, f.customers(people))
        import_referrals(
            s,
            f.referrals(
                [{"referrer_ref": "c3", "referred_ref": "new", "referred_at": f.ts("2025-01-10")}]
            ),
        )
    with unit_of_work(migrated_engine) as s:
        values = operational_metrics(s, period="month")
    churn = {v.period: v for v in pick(values, "churn")}
    assert (churn["2025-01"].n, churn["2025-01"].value) == (10, 20.0)
    retention = {v.period: v for v in pick(values, "retention")}
    # (at end 9 - acquired 1) / at start 10
    assert retention["2025-01"].value == pytest.approx(80.0)
    # December has acquisitions only: no churn and no referral were recorded yet, so the
    # listings start in January (no empty early period, no "0 %" before data exists).
    assert set(churn) == set(retention) == {"2025-01"}
    referral = {v.period: v for v in pick(values, "referral_rate")}
    assert set(referral) == {"2025-01"}
    assert (referral["2025-01"].n, referral["2025-01"].value) == (11, pytest.approx(100 / 11))
    reasons = {(n.metric, n.reason) for n in values.no_data}
    assert ("churn", "no churn recorded before 2025-01: earlier periods have no data") in reasons


def test_response_rate_counts_delivered_invitations(migrated_engine: Engine) -> None:
    load(migrated_engine, f.responses([{"nps": 9}]))
    with unit_of_work(migrated_engine) as s:
        version = s.scalars(select(SurveyVersion)).one()
        sent = f.ts("2025-05-01")
        for i in range(4):
            s.add(
                Invitation(
                    survey_version_id=version.id,
                    channel="email" if i < 3 else "sms",
                    token=f"t{i}",
                    sent_at=sent,
                    delivered_at=sent if i != 1 else None,
                    completed_at=sent if i in (0, 3) else None,
                )
            )
    with unit_of_work(migrated_engine) as s:
        values = operational_metrics(s, by=("channel",), period=None)
    rates = {v.group["channel"]: (v.n, v.value) for v in pick(values, "response_rate")}
    assert rates == {"email": (2, 50.0), "sms": (1, 100.0)}
    assert not pick(values, "churn")


def test_customers_are_counted_once_without_period(migrated_engine: Engine) -> None:
    with unit_of_work(migrated_engine) as s:
        import_referrals(s, f.referrals([{"referrer_ref": "a", "referred_ref": "b"}]))
        assert len(s.scalars(select(Customer)).all()) == 2
    with unit_of_work(migrated_engine) as s:
        values = operational_metrics(s, period=None)
    (rate,) = pick(values, "referral_rate")
    assert (rate.n, rate.value) == (2, 50.0)


def test_a_filter_on_a_joined_dimension_restricts_the_counts(migrated_engine: Engine) -> None:
    rows = f.nps_rows(WEB, touchpoint="website", prefix="w") + f.nps_rows(
        SUPPORT, touchpoint="support", prefix="s"
    )
    load(migrated_engine, f.responses(rows))
    with unit_of_work(migrated_engine) as s:
        (only_support,) = pick(store_metrics(s, filters={"touchpoint": "support"}), "nps")
        (both,) = pick(store_metrics(s, filters={"touchpoint": ["support", "website"]}), "nps")
    assert only_support.n == len(SUPPORT)
    assert only_support.value == fm.nps_value(nps_counts(SUPPORT)).value
    assert both.n == len(SUPPORT) + len(WEB)


def _no_data(values: Sequence[MetricValue], metric: str) -> list[str]:
    return [n.reason for n in getattr(values, "no_data", []) if n.metric == metric]


def test_no_referrals_is_no_data_not_zero(migrated_engine: Engine) -> None:
    # "Referral rate 0.0 % (n = 639)" on a store that holds no referral at all.
    people = [{"customer_ref": f"c{i}", "acquired_at": f.ts("2024-01-05")} for i in range(5)]
    with unit_of_work(migrated_engine) as s:
        import_customers(s, f.customers(people))
    with unit_of_work(migrated_engine) as s:
        overall = operational_metrics(s, period=None)
        monthly = operational_metrics(s, period="month")
    for values in (overall, monthly):
        assert not pick(values, "referral_rate")
        assert _no_data(values, "referral_rate") == ["no referrals in the store"]
    assert _no_data(overall, "fcr") == ["no support cases"]
    assert _no_data(overall, "response_rate") == ["no delivered invitations"]


def test_churn_before_any_churn_date_is_no_data(migrated_engine: Engine) -> None:
    # Customers acquired every quarter of 2019-2023; departures recorded only from 2024.
    people = [
        {"customer_ref": f"c{y}{q}", "acquired_at": f.ts(f"{y}-{3 * q + 1:02d}-10")}
        for y in range(2019, 2024)
        for q in range(4)
    ]
    with unit_of_work(migrated_engine) as s:
        import_customers(s, f.customers(people))
    with unit_of_work(migrated_engine) as s:
        values = operational_metrics(s, period="quarter")
    # no churn date anywhere: churn and retention are unknown, not 0 % and 100 %
    assert not pick(values, "churn") and not pick(values, "retention")
    assert _no_data(values, "churn") == ["no customer has a churn date: churn is unknown, not 0 %"]
    with unit_of_work(migrated_engine) as s:
        customer = s.scalars(select(Customer).where(Customer.customer_ref == "c20190")).one()
        customer.churned_at = f.ts("2024-02-01")
    with unit_of_work(migrated_engine) as s:
        values = operational_metrics(s, period="quarter")
    churn = pick(values, "churn")
    assert [v.period for v in churn] == ["2024-Q1"]
    assert (churn[0].n, churn[0].value) == (20, 5.0)
    assert [v.period for v in pick(values, "retention")] == ["2024-Q1"]
    assert _no_data(values, "churn") == [
        "no churn recorded before 2024-Q1: earlier periods have no data"
    ]


@pytest.mark.parametrize("by", [("regoin",), ("theme",), ("touchpoint", "stor")])
def test_an_unknown_dimension_is_an_error_listing_the_valid_ones(
    migrated_engine: Engine, by: tuple[str, ...]
) -> None:
    rows = [{"nps": 10, "store": "milan"}, {"nps": 3, "store": "rome"}]
    load(migrated_engine, f.responses(rows, dimensions=("store",)))
    with unit_of_work(migrated_engine) as s:
        for compute in (store_metrics, operational_metrics):
            with pytest.raises(UnknownDimensionError) as err:
                compute(s, by=by)
            assert err.value.name == by[-1]
            for valid in ("region", "touchpoint", "survey", "store", "status"):
                assert valid in err.value.valid
            assert "valid dimensions are:" in str(err.value)
        with pytest.raises(UnknownDimensionError):
            store_metrics(s, filters={"regoin": "north"})
        assert {v.group["store"] for v in store_metrics(s, by=("store",))} == {"milan", "rome"}


def test_touchpoints_come_in_journey_order(migrated_engine: Engine) -> None:
    rows = [
        *f.nps_rows([9, 3], touchpoint="support", prefix="s"),
        *f.nps_rows([10], touchpoint="kiosk", prefix="k"),  # a new touchpoint: journey end
        *f.nps_rows([7], touchpoint="website", prefix="w"),
        *f.nps_rows([8], touchpoint="checkout", prefix="c"),
        *f.nps_rows([2]),  # no touchpoint: last
    ]
    load(migrated_engine, f.responses(rows))
    with unit_of_work(migrated_engine) as s:
        values = store_metrics(s, by=("touchpoint",))
    order = [v.group["touchpoint"] for v in pick(values, "nps")]
    assert order == ["website", "checkout", "support", "kiosk", None]


def test_many_changes_in_one_table_are_adjusted(migrated_engine: Engine) -> None:
    rows = []
    for region in ("a", "b", "c"):
        for month, score in (("01", 10), ("02", 0), ("03", 10)):
            rows += [
                {"response_ref": f"{region}{month}{i}", "nps": score, "store": region,
                 "submitted_at": f.ts(f"2025-{month}-10")}
                for i in range(5)
            ]  # fmt: skip
    load(migrated_engine, f.responses(rows, dimensions=("store",)))
    with unit_of_work(migrated_engine) as s:
        values = store_metrics(s, by=("store",), period="month")
    changes = [v.change for v in pick(values, "nps") if v.change is not None]
    assert len(changes) == 6
    for change in changes:
        assert change.test == "exact permutation test"
        assert change.q_value is not None and change.q_value >= change.p_value
        assert change.significant == (change.q_value < 0.05)
