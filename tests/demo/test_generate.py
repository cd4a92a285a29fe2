from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from cxlens.core.tables import CASES, CUSTOMERS, REFERRALS, RESPONSES
from cxlens.demo import DemoData, generate
from cxlens.demo.company import CHANNELS, TOUCHPOINTS


def test_tables_follow_the_normalised_schemas(demo: DemoData) -> None:
    assert demo.customers.schema.equals(CUSTOMERS)
    assert demo.cases.schema.equals(CASES)
    assert demo.referrals.schema.equals(REFERRALS)
    responses = demo.responses.table.schema
    for field in RESPONSES:
        assert responses.field(field.name).type == field.type
    for q in demo.responses.questions:
        expected = pa.string() if q.kind == "text" else pa.float64()
        assert responses.field(q.column).type == expected
    for d in demo.responses.dimensions:
        assert responses.field(d).type == pa.string()
    kinds = {q.kind for q in demo.responses.questions}
    assert {"nps", "csat", "ces", "cxi_effectiveness", "cxi_ease", "cxi_emotion", "text"} <= kinds


def test_same_seed_gives_identical_tables() -> None:
    a = generate(seed=3, customers=400, years=1)
    b = generate(seed=3, customers=400, years=1)
    for name, table in a.tables().items():
        assert table.equals(b.tables()[name]), name


def test_another_seed_gives_other_tables() -> None:
    a = generate(seed=3, customers=400, years=1)
    b = generate(seed=4, customers=400, years=1)
    assert not a.responses.table.equals(b.responses.table)


def test_sizes_follow_the_arguments(demo: DemoData) -> None:
    assert demo.customers.num_rows == 3_000
    assert demo.responses.table.num_rows == round(3_000 * 2 * 2.4)
    small = generate(seed=1, customers=200, years=1, responses=1_234)
    assert small.responses.table.num_rows == 1_234


def test_refs_are_unique_and_resolve_to_customers(demo: DemoData) -> None:
    customers = demo.customers.column("customer_ref")
    assert pc.count_distinct(customers).as_py() == demo.customers.num_rows
    responses = demo.responses.table.column("response_ref")
    assert pc.count_distinct(responses).as_py() == demo.responses.table.num_rows
    known = pc.is_in(
        demo.responses.table.column("customer_ref"), value_set=customers.combine_chunks()
    )
    assert pc.all(known).as_py()
    known = pc.is_in(demo.cases.column("customer_ref"), value_set=customers.combine_chunks())
    assert pc.all(known).as_py()


def test_scores_stay_on_their_scales(demo: DemoData) -> None:
    t = demo.responses.table
    for q in demo.responses.questions:
        if q.kind == "text":
            continue
        col = t.column(q.column)
        assert pc.min(col).as_py() >= q.scale_low
        assert pc.max(col).as_py() <= q.scale_high
        assert col.null_count < t.num_rows  # every question has answers


def test_every_touchpoint_channel_and_language_appears(demo: DemoData) -> None:
    t = demo.responses.table
    assert set(pc.unique(t.column("touchpoint")).to_pylist()) == set(TOUCHPOINTS)
    assert set(pc.unique(t.column("channel")).to_pylist()) == set(CHANNELS)
    languages = set(pc.unique(t.column("language")).to_pylist())
    assert languages == {"en", "it", "ro", "nl", "fy", "fr", "de", "es"}


def test_responses_come_from_customers_active_at_the_time(demo: DemoData) -> None:
    con = duckdb.connect()
    con.register("r", demo.responses.table)
    con.register("c", demo.customers)
    bad = con.execute(
        "select count(*) from r join c using (customer_ref) "
        "where r.submitted_at::date < c.acquired_at::date "
        "or r.submitted_at::date > c.churned_at::date"
    ).fetchone()
    assert bad == (0,)


def test_seasonality_peaks_in_december_and_dips_in_summer(demo: DemoData) -> None:
    months = pc.month(demo.responses.table.column("submitted_at"))
    counts = {m: pc.sum(pc.equal(months, m)).as_py() for m in range(1, 13)}
    assert counts[12] > 1.2 * counts[10]
    assert counts[8] < 0.85 * counts[10]


def test_the_planted_problem_shows_in_scores_and_comments(demo: DemoData) -> None:
    p = demo.planted
    assert p.start >= demo.start and p.end <= demo.end
    con = duckdb.connect()
    con.register("r", demo.responses.table)
    rows = con.execute(
        """
        select submitted_at >= ? and submitted_at < ? and region = ? as hit,
               100 * (avg((nps >= 9)::int) - avg((nps <= 6)::int)) as nps,
               100 * avg((csat >= 4)::int) as csat,
               avg((comment ilike '%te laat%' or comment ilike '%te let%'
                    or comment ilike '%late%')::int) as late
        from r where touchpoint = ? group by hit
        """,
        [p.start, p.end, p.region, p.touchpoint],
    ).fetchall()
    by_hit = {hit: (nps, csat, late) for hit, nps, csat, late in rows}
    assert by_hit[True][0] < by_hit[False][0] - 25
    assert by_hit[True][1] < by_hit[False][1] - 10
    assert by_hit[True][2] > 5 * by_hit[False][2]


def test_b2b_customers_belong_to_accounts_with_company_attributes(demo: DemoData) -> None:
    c = demo.customers
    b2b = pc.is_valid(c.column("account_ref"))
    share = pc.mean(b2b.cast(pa.int8())).as_py()
    assert 0.1 < share < 0.3
    assert pc.all(pc.is_valid(c.filter(b2b).column("industry"))).as_py()
    assert pc.all(pc.is_null(c.filter(pc.invert(b2b)).column("company_size"))).as_py()
    accounts = pc.count_distinct(c.column("account_ref")).as_py()
    assert accounts < pc.sum(b2b.cast(pa.int64())).as_py()  # several customers per account


def test_some_customers_churn_and_churn_follows_acquisition(demo: DemoData) -> None:
    c = demo.customers
    churned = c.filter(pc.is_valid(c.column("churned_at")))
    assert 0.05 * c.num_rows < churned.num_rows < 0.5 * c.num_rows
    assert pc.all(pc.greater(churned.column("churned_at"), churned.column("acquired_at"))).as_py()


def test_cases_have_ordered_times(demo: DemoData) -> None:
    cases = demo.cases
    resolved = cases.filter(pc.is_valid(cases.column("resolved_at")))
    assert pc.all(
        pc.greater_equal(resolved.column("resolved_at"), resolved.column("first_response_at"))
    ).as_py()
    assert pc.all(
        pc.greater_equal(cases.column("first_response_at"), cases.column("opened_at"))
    ).as_py()
    assert pc.min(cases.column("contact_count")).as_py() == 1
    first_contact = pc.mean(pc.equal(cases.column("contact_count"), 1).cast(pa.int8())).as_py()
    assert 0.5 < first_contact < 0.9


def test_referrers_were_customers_before_the_referred(demo: DemoData) -> None:
    con = duckdb.connect()
    con.register("f", demo.referrals)
    con.register("c", demo.customers)
    n, bad = con.execute(
        "select count(*), count(*) filter (where a.acquired_at::date > b.acquired_at::date) "
        "from f join c a on a.customer_ref = f.referrer_ref "
        "join c b on b.customer_ref = f.referred_ref"
    ).fetchone() or (0, 0)
    assert n == demo.referrals.num_rows > 0
    assert bad == 0


def test_renewals_are_for_paid_plans_only(demo: DemoData) -> None:
    con = duckdb.connect()
    con.register("n", demo.renewals)
    con.register("c", demo.customers)
    plans = {
        p
        for (p,) in con.execute(
            "select distinct plan from n join c using (customer_ref)"
        ).fetchall()
    }
    assert plans == {"premium", "business"}


def test_window_follows_start_and_years() -> None:
    d = generate(seed=1, customers=100, years=1, start=date(2022, 3, 1))
    assert d.start == datetime(2022, 3, 1, tzinfo=UTC)
    first = pc.min(d.responses.table.column("submitted_at")).as_py()
    last = pc.max(d.responses.table.column("submitted_at")).as_py()
    assert d.start <= first and last < d.end


@pytest.mark.parametrize("kwargs", [{"customers": 0}, {"years": 0}, {"responses": -1}])
def test_bad_arguments_are_refused(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        generate(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("customers", "years"), [(1, 1), (2, 0.1), (30, 0.05)])
def test_tiny_demos_work(customers: int, years: float) -> None:
    d = generate(seed=0, customers=customers, years=years, responses=50)
    assert d.responses.table.num_rows == 50
    assert d.customers.num_rows == customers
    con = duckdb.connect()
    con.register("r", d.responses.table)
    con.register("c", d.customers)
    bad = con.execute(
        "select count(*) from r join c using (customer_ref) "
        "where r.submitted_at::date < c.acquired_at::date "
        "or r.submitted_at::date > c.churned_at::date"
    ).fetchone()
    assert bad == (0,)
    times = d.responses.table.column("submitted_at").to_pylist()
    assert times == sorted(times)


def test_refs_number_responses_and_cases_in_time_order(demo: DemoData) -> None:
    r = demo.responses.table
    assert r.column("submitted_at").to_pylist() == sorted(r.column("submitted_at").to_pylist())
    assert r.column("response_ref")[0].as_py() == "R00000001"
    c = demo.cases
    assert c.column("opened_at").to_pylist() == sorted(c.column("opened_at").to_pylist())
    assert c.column("case_ref")[0].as_py() == "CS-000001"
