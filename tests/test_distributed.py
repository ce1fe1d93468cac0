"""The KPIs on Dask: a two-worker LocalCluster against the one-pass result.

One cluster for the module: two worker processes with one thread each, so
every part crosses a process boundary and merges move partials between
workers, as on a real cluster.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import attrs
import dask.bag
import pytest
from distributed import Client, LocalCluster, get_task_stream

from dexcore.distributed import (
    Part,
    check_graph,
    check_on_dask,
    check_parts,
    kpi_counts_graph,
    kpi_on_dask,
    load_part,
    part_shards,
)
from dexcore.errors import BulkReadError, DexStructureError, DexValueError
from dexcore.io import dataset_from_json, dataset_to_json
from dexcore.io.bulk import upload_part, write_bulk
from dexcore.kpi import (
    ClientIdentity,
    KpiPartial,
    KpiPolicies,
    KpiReport,
    Selection,
    kpi_partial,
    kpi_report,
)
from dexcore.model import (
    Assessment,
    AssessmentPhase,
    AtsiOrigin,
    Case,
    CaseClient,
    ClientAssessment,
    Dataset,
    DomainScore,
    Gender,
    Organisation,
    ResidentialAddress,
    ScoreType,
    Session,
    SessionClient,
    State,
    partition_by_case,
)
from dexcore.model import Client as DexClient
from dexcore.periods import ReportingPeriod
from dexcore.rules import check

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "example-dataset.json"
H1, H2 = ReportingPeriod.parse("2024-H1"), ReportingPeriod.parse("2024-H2")


@pytest.fixture(scope="module")
def client() -> Iterator[Client]:
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as connected,
    ):
        yield connected


@pytest.fixture(scope="module")
def example() -> Dataset:
    return dataset_from_json(EXAMPLE.read_bytes())


def one_pass(
    *parts: tuple[Dataset, str | None], period: ReportingPeriod, policies: KpiPolicies | None = None
) -> KpiReport:
    """The single-process answer: each organisation's whole data in one pass, merged."""
    partials = [kpi_partial(d, period, organisation=o, policies=policies) for d, o in parts]
    return kpi_report(functools.reduce(KpiPartial.merge, partials), policies=policies)


# -- synthetic organisations -------------------------------------------------------------------


ADDRESS = ResidentialAddress(suburb="Darwin", state=State.NT, postcode="0800")


def person(client_id: str, number: int, index: int) -> DexClient:
    """A client; its SLK depends on the client's index and on ``number % 26``."""
    letters = chr(65 + index % 26) + chr(65 + index // 26 % 26) + chr(65 + number % 26)
    return DexClient(
        client_id=client_id,
        consent_to_provide_details=False,
        consented_for_future_contacts=False,
        slk=f"{letters}AB01011980{1 + index % 2}",
        birth_date=dt.date(1980, 1, 1),
        gender=Gender.NOTSTATED,
        country_of_birth="1101",
        language_spoken_at_home="1201",
        atsi_origin=AtsiOrigin.NO,
        residential_address=ADDRESS,
    )


def goals(
    client_id: str, case_id: str, session_id: str, phase: AssessmentPhase, rating: int
) -> ClientAssessment:
    rated = (DomainScore(domain="SKILLS", rating=rating),)
    found = Assessment(score_type=ScoreType.GOALS, phase=phase, scores=rated)
    return ClientAssessment(
        client_id=client_id, case_id=case_id, session_id=session_id, assessments=(found,)
    )


def organisation(number: int, cases: int) -> Dataset:
    """``cases`` cases of two clients, three sessions in 2024-H2, Goals PRE and POST ratings.

    Every organisation uses the same client and case ids; organisation
    ``number`` rates each client's POST ``number % 3`` above the PRE (0, +1 or +2).
    """
    clients, found_cases, sessions, scores = [], [], [], []
    for c in range(cases):
        members = (f"C{2 * c}", f"C{2 * c + 1}")
        attached = tuple(CaseClient(client_id=m) for m in members)
        found_cases.append(
            Case(case_id=f"K{c}", outlet_activity_id=101, total_unidentified_clients=2,
                 clients=attached)
        )  # fmt: skip
        sessions += [
            Session(session_id=f"S{s}", case_id=f"K{c}", service_type_id=1,
                    session_date=dt.date(2024, 7 + s, 1), total_unidentified_clients=s % 2,
                    clients=tuple(SessionClient(client_id=m) for m in members))
            for s in range(3)
        ]  # fmt: skip
        clients += [person(m, number, 2 * c + k) for k, m in enumerate(members)]
        for m in members:
            scores.append(goals(m, f"K{c}", "S0", AssessmentPhase.PRE, 2))
            scores.append(goals(m, f"K{c}", "S2", AssessmentPhase.POST, 2 + number % 3))
    org = Organisation(name=f"Organisation {number}", organisation_id=f"ORG-{number}")
    return Dataset(
        clients=tuple(clients),
        cases=tuple(found_cases),
        sessions=tuple(sessions),
        client_assessments=tuple(scores),
        organisation=org,
    )


def write_json(dataset: Dataset, path: Path) -> str:
    path.write_text(dataset_to_json(dataset), encoding="utf-8")
    return os.fspath(path)


def write_xml(dataset: Dataset, folder: Path, stem: str) -> list[str]:
    """Bulk XML files, several when ``max_bytes`` cuts them (read together, in order)."""
    names = []
    for n, data in enumerate(write_bulk(dataset, max_bytes=20_000)):
        (folder / f"{stem}-{n}.xml").write_bytes(data)
        names.append(os.fspath(folder / f"{stem}-{n}.xml"))
    return names


# -- the same answer as one pass ---------------------------------------------------------------


@pytest.mark.parametrize("period", [H1, H2])
def test_the_bundled_example_gives_the_one_pass_report(
    client: Client, example: Dataset, period: ReportingPeriod
) -> None:
    report = kpi_on_dask([os.fspath(EXAMPLE)], period, client=client)
    assert report == one_pass((example, None), period=period)
    assert report.clients_assisted == (14 if period == H1 else 15)  # docs/explanation/score-kpi.md


def test_options_reach_the_workers(client: Client, example: Dataset) -> None:
    """Policies (the SLK identity) and a selection give what they give in one pass."""
    policies = KpiPolicies(clients=ClientIdentity.SLK)
    selection = Selection(outlet_id=example.outlets[0].outlet_id)
    report = kpi_on_dask([EXAMPLE], H2, client=client, policies=policies, selection=selection)
    expected = kpi_report(kpi_partial(example, H2, policies=policies, selection=selection),
                          policies=policies, selection=selection)  # fmt: skip
    assert report == expected
    assert report.policies == policies
    assert report.selection == selection


def test_several_organisations_files_sharing_ids_count_apart(
    client: Client, tmp_path: Path
) -> None:
    """Five organisations, the same ids in each, JSON and bulk XML: each client counts once."""
    orgs = [organisation(n, cases=4 + n) for n in range(5)]
    parts: list[str | Part] = [write_json(orgs[n], tmp_path / f"org{n}.json") for n in (0, 1)]
    parts += [
        Part(files=write_xml(orgs[n], tmp_path, f"org{n}"), organisation=f"ORG-{n}")
        for n in (2, 3, 4)
    ]
    assert any(len(p.files) > 1 for p in parts if isinstance(p, Part))  # an upload of several files
    report = kpi_on_dask(parts, H2, client=client, shards=3, split_every=2)
    assert report.clients_assisted == 2 * sum(4 + n for n in range(5))  # 70
    assert report.sessions_delivered == 3 * sum(4 + n for n in range(5))
    assert report.goals_achieved.numerator == 2 * sum(4 + n for n in range(5) if n % 3)
    truth = [(orgs[0], None), (orgs[1], None)] + [
        (upload_part(orgs[n]), f"ORG-{n}") for n in (2, 3, 4)
    ]
    assert report == one_pass(*truth, period=H2)


def test_national_distinct_clients_by_slk_across_organisations(
    client: Client, tmp_path: Path
) -> None:
    """Under the SLK identity, a person two organisations serve counts once, as in one pass."""
    orgs = [organisation(n, cases=3) for n in (0, 26)]  # same SLKs: number % 26 is equal
    files = [write_json(d, tmp_path / f"o{n}.json") for n, d in enumerate(orgs)]
    policies = KpiPolicies(clients=ClientIdentity.SLK)
    report = kpi_on_dask(files, H2, client=client, policies=policies)
    assert report.clients_assisted == 6
    assert report == one_pass(*((d, None) for d in orgs), period=H2, policies=policies)


@pytest.mark.parametrize("parts", [2, 5])
def test_one_organisation_cut_into_files(client: Client, tmp_path: Path, parts: int) -> None:
    whole = organisation(7, cases=12)
    files = [
        write_json(part, tmp_path / f"part{n}.json")
        for n, part in enumerate(partition_by_case(whole, parts))
    ]
    report = kpi_on_dask(files, H2, client=client, shards=4, split_every=2)
    assert report.clients_assisted == 24
    assert report == one_pass((whole, None), period=H2)


def test_one_organisation_cut_into_bulk_xml_parts(client: Client, tmp_path: Path) -> None:
    whole = organisation(4, cases=10)
    parts = [
        Part(files=write_xml(part, tmp_path, f"p{n}"), organisation="ORG-4")
        for n, part in enumerate(partition_by_case(whole, 3))
    ]
    report = kpi_on_dask(parts, H2, client=client)
    assert report == one_pass((upload_part(whole), "ORG-4"), period=H2)


def test_a_bag_of_datasets_loaded_on_the_workers(client: Client, tmp_path: Path) -> None:
    orgs = [organisation(n, cases=3) for n in range(4)]
    files = [write_json(d, tmp_path / f"b{n}.json") for n, d in enumerate(orgs)]
    bag = dask.bag.from_sequence(files, npartitions=3).map(load_part)
    report = kpi_on_dask(bag, H2, client=client)
    assert report.clients_assisted == 24
    assert report == one_pass(*((d, None) for d in orgs), period=H2)


def test_the_default_scheduler_is_the_current_client(client: Client) -> None:
    assert kpi_on_dask([EXAMPLE], H2) == kpi_on_dask([EXAMPLE], H2, client=client)


def test_no_parts_give_the_report_of_nothing(client: Client) -> None:
    report = kpi_on_dask([], H2, client=client)
    assert report.clients_assisted == 0
    assert report.sessions_delivered == 0


# -- the workers load; the graph stays small ---------------------------------------------------


def test_the_workers_load_the_parts(client: Client, tmp_path: Path) -> None:
    files = [write_json(organisation(n, cases=2), tmp_path / f"w{n}.json") for n in range(4)]
    with get_task_stream(client) as stream:
        kpi_on_dask(files, H2, client=client, shards=2)
    workers = set(client.scheduler_info()["workers"])
    loads = [t for t in stream.data if str(t["key"]).startswith("dexcore-kpi-part-")]
    assert len(loads) == 4
    assert {t["worker"] for t in loads} <= workers
    assert all(any(s["action"] == "compute" for s in t["startstops"]) for t in loads)
    merges = [t for t in stream.data if str(t["key"]).startswith("dexcore-kpi-merge-")]
    assert merges  # four parts, merged two a shard in a tree
    pids = client.run(os.getpid)
    assert pids.keys() == workers
    assert os.getpid() not in pids.values()


def test_the_graph_does_not_grow_with_the_data(tmp_path: Path) -> None:
    """A part of 2 cases and one of 400 give graphs of the same size, without their ids."""
    small = write_json(organisation(1, cases=2), tmp_path / "small.json")
    big = write_json(organisation(1, cases=400), tmp_path / "large.json")
    sizes = [len(pickle.dumps(_graph_of([name]))) for name in (small, big)]
    assert abs(sizes[0] - sizes[1]) < 16  # the file names differ by a few characters
    assert sizes[1] < 20_000
    assert b"C799" not in pickle.dumps(_graph_of([big]))  # a client id of the large file


def _graph_of(parts: list[str]) -> dict[object, object]:
    graph = kpi_counts_graph(parts, H2, shards=2)
    return {k: v for d in graph for k, v in dict(d.dask).items()}


def test_a_dataset_in_the_list_is_refused(example: Dataset) -> None:
    with pytest.raises(DexValueError, match=r"\[distributed\.dataset-in-graph\]"):
        kpi_counts_graph([example], H2)  # type: ignore[list-item]


def test_a_refused_part_is_not_repeated_in_the_message() -> None:
    """What the caller passed may be personal (a name as a "file"): the message never shows it."""

    class Marker:
        def __repr__(self) -> str:
            return "Ronald Lincoln 1970-01-01"

    for bad in ([Marker()], [Part(files="Ronald Lincoln.json"), 3]):
        with pytest.raises(DexValueError) as caught:
            kpi_counts_graph(bad, H2)  # type: ignore[arg-type]
        assert "Ronald" not in str(caught.value)
        assert "Lincoln" not in str(caught.value)


@pytest.mark.parametrize(
    ("parts", "shards", "split_every", "code"),
    [
        ([42], 8, 8, "distributed.part"),
        ("one.json", 8, 8, "distributed.part"),
        ([EXAMPLE], 0, 8, "kpi.shard-count"),
        ([EXAMPLE], True, 8, "kpi.shard-count"),
        ([EXAMPLE], 8, 1, "distributed.split-every"),
    ],
)
def test_bad_arguments_are_refused_before_anything_runs(
    parts: object, shards: object, split_every: object, code: str
) -> None:
    with pytest.raises(DexValueError, match=rf"\[{code}\]"):
        kpi_counts_graph(parts, H2, shards=shards, split_every=split_every)  # type: ignore[arg-type]


# -- errors on the workers reach the caller ----------------------------------------------------


def test_a_bad_bulk_file_raises_its_own_error(client: Client, tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<DEXFileUpload><Clients>")
    with pytest.raises(BulkReadError) as caught:
        kpi_on_dask([os.fspath(bad), EXAMPLE], H2, client=client)
    assert caught.value.code.startswith("xml.")


def test_a_file_that_is_not_a_dataset_raises_a_structure_error(
    client: Client, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"clients": [{"client_id": 7}]}', encoding="utf-8")
    with pytest.raises(DexStructureError):
        kpi_on_dask([bad], H2, client=client)


# -- the map step without Dask -----------------------------------------------------------------


def test_part_shards_merge_back_to_the_whole(example: Dataset) -> None:
    shards = part_shards([EXAMPLE, Part(files=[EXAMPLE], organisation="OTHER")], H2, shards=3)
    merged = functools.reduce(KpiPartial.merge, shards)
    # Two organisations sharing ids, as in docs/explanation/score-kpi.md.
    assert kpi_report(merged).clients_assisted == 30
    assert merged == kpi_partial(example, H2).merge(kpi_partial(example, H2, organisation="OTHER"))


def test_no_parts_shard_into_empty_partials() -> None:
    shards = part_shards([], H2, shards=2)
    assert [s.finish_counts().sessions for s in shards] == [0, 0]


@pytest.mark.parametrize("files", [[], [3], [EXAMPLE, EXAMPLE], (EXAMPLE, "upload.xml"), 5])
def test_a_part_names_one_json_file_or_bulk_xml_files(files: object, tmp_path: Path) -> None:
    with pytest.raises(DexValueError, match=r"\[distributed\.part-files\]"):
        load_part(Part(files=files))


def test_a_json_part_over_its_size_limit_is_refused() -> None:
    with pytest.raises(DexValueError, match=r"larger than the limit of 100 bytes.*too-large"):
        load_part(Part(files=EXAMPLE, max_size=100))


def test_a_function_part_must_return_a_dataset() -> None:
    with pytest.raises(DexValueError, match=r"\[distributed\.part\]"):
        load_part(functools.partial(dict, a=1))  # type: ignore[arg-type]


def test_a_function_part_builds_its_dataset_where_it_runs(example: Dataset) -> None:
    assert load_part(functools.partial(dataset_from_json, EXAMPLE.read_bytes())) == example


def test_parts_pickle_small() -> None:
    """A part is its description: a few hundred bytes, whatever the file holds."""
    assert len(pickle.dumps(Part(files=EXAMPLE, organisation="ORG-1"))) < 400


# -- without Dask ------------------------------------------------------------------------------


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, check=False)  # fmt: skip


def test_without_dask_the_import_names_the_extra() -> None:
    result = _python("import sys; sys.modules['dask'] = None; import dexcore.distributed")
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == "ImportError: dexcore.distributed needs Dask: pip install 'dexcore[dask]'"
    assert "During handling" not in result.stderr  # one error, no chained traceback


def test_without_distributed_the_import_names_the_extra() -> None:
    result = _python("import sys; sys.modules['distributed'] = None; import dexcore.distributed")
    assert result.stderr.strip().splitlines()[-1].endswith("pip install 'dexcore[dask]'")


def test_dexcore_does_not_import_dask_unless_asked() -> None:
    code = "import sys, dexcore, dexcore.kpi, dexcore.io, dexcore.cli; print('dask' in sys.modules)"
    assert _python(code).stdout.strip() == "False"


# -- the rule check on Dask ---------------------------------------------------------------------

TODAY = dt.date(2025, 1, 15)


def with_problems(number: int) -> Dataset:
    """An organisation whose check needs a global view: a repeated client, session and case id."""
    whole = organisation(number, cases=3)
    return attrs.evolve(
        whole,
        clients=(*whole.clients, whole.clients[1]),
        cases=(*whole.cases, whole.cases[0]),
        sessions=(*whole.sessions, whole.sessions[4]),
    )


def test_checks_on_dask_equal_one_check_per_organisation(
    client: Client, tmp_path: Path, example: Dataset
) -> None:
    orgs = [with_problems(n) for n in range(3)]
    parts: list[str | Part] = [write_json(orgs[0], tmp_path / "c0.json"), os.fspath(EXAMPLE)]
    parts.append(Part(files=write_xml(orgs[2], tmp_path, "c2"), organisation="XML-2"))
    reports = check_on_dask(parts, today=TODAY, client=client, split_every=2)
    expected = {
        "ORG-0": check(orgs[0], today=TODAY),
        os.fspath(EXAMPLE) if example.organisation is None else "": check(example, today=TODAY),
        "XML-2": check(load_part(parts[2]), today=TODAY),
    }
    if example.organisation is not None and example.organisation.organisation_id:
        expected[example.organisation.organisation_id] = expected.pop("")
    assert reports == expected
    duplicates = {i.code for i in reports["ORG-0"].issues if "duplicate" in i.code}
    assert {"client.id.duplicate", "case.id.duplicate", "session.id.duplicate"} <= duplicates


def test_a_clean_organisation_gets_no_duplicate_on_dask(client: Client, tmp_path: Path) -> None:
    files = [write_json(organisation(n, cases=3), tmp_path / f"k{n}.json") for n in range(3)]
    reports = check_on_dask(files, today=TODAY, client=client)
    assert set(reports) == {"ORG-0", "ORG-1", "ORG-2"}  # ids shared, organisations apart
    assert not [i for r in reports.values() for i in r.issues if "duplicate" in i.code]


def test_one_organisation_in_two_plain_files_is_refused(client: Client, tmp_path: Path) -> None:
    """Two whole inputs of one organisation would claim the same places: use one Part."""
    cut = partition_by_case(organisation(5, cases=12), 2)
    assert all(part.cases for part in cut)
    halves = [write_json(part, tmp_path / f"h{n}.json") for n, part in enumerate(cut)]
    with pytest.raises(DexValueError, match=r"\[check\.partial-overlap\]"):
        check_on_dask(halves, today=TODAY, client=client)


def test_a_bag_of_datasets_is_checked_where_it_lives(client: Client, tmp_path: Path) -> None:
    orgs = [with_problems(n) for n in range(4)]
    files = [write_json(d, tmp_path / f"bc{n}.json") for n, d in enumerate(orgs)]
    bag = dask.bag.from_sequence(files, npartitions=2).map(load_part)
    reports = check_on_dask(bag, today=TODAY, client=client)
    assert reports == {f"ORG-{n}": check(d, today=TODAY) for n, d in enumerate(orgs)}


def test_the_workers_check_the_parts(client: Client, tmp_path: Path) -> None:
    files = [write_json(with_problems(n), tmp_path / f"wc{n}.json") for n in range(4)]
    with get_task_stream(client) as stream:
        check_on_dask(files, today=TODAY, client=client, split_every=2)
    workers = set(client.scheduler_info()["workers"])
    checks = [t for t in stream.data if str(t["key"]).startswith("dexcore-check-part-")]
    assert len(checks) == 4
    assert {t["worker"] for t in checks} <= workers
    assert [t for t in stream.data if str(t["key"]).startswith("dexcore-check-merge-")]


def test_the_check_graph_carries_no_record(tmp_path: Path) -> None:
    big = write_json(organisation(1, cases=400), tmp_path / "large.json")
    graph = dict(check_graph([big], today=TODAY).dask)
    assert len(pickle.dumps(graph)) < 20_000
    assert b"C799" not in pickle.dumps(graph)


def test_no_parts_give_no_report(client: Client) -> None:
    assert check_on_dask([], today=TODAY, client=client) == {"": check(Dataset(), today=TODAY)}


def test_a_dataset_in_the_check_list_is_refused(example: Dataset) -> None:
    with pytest.raises(DexValueError, match=r"\[distributed\.dataset-in-graph\]"):
        check_graph([example], today=TODAY)  # type: ignore[list-item]


def test_check_parts_keys_parts_without_a_name_by_their_place(example: Dataset) -> None:
    nameless = attrs.evolve(example, organisation=None)
    partial = check_parts([functools.partial(lambda d: d, nameless)], "here", today=TODAY)
    assert set(partial.organisations) == {"here, item 0"}


def test_a_function_part_that_holds_a_dataset_is_refused(example: Dataset) -> None:
    """A dataset bound into a function part would be pickled into the graph all the same."""
    bound = functools.partial(load_part, example)

    def closure() -> Dataset:
        return example

    for part in (bound, closure):
        with pytest.raises(DexValueError, match=r"\[distributed\.dataset-in-graph\]"):
            check_graph([part], today=TODAY)
        with pytest.raises(DexValueError, match=r"\[distributed\.dataset-in-graph\]"):
            kpi_counts_graph([part], H2)
    built = functools.partial(organisation, 3, 2)  # builds its dataset where it runs
    assert len(dict(check_graph([built], today=TODAY).dask)) > 0
