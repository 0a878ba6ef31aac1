"""Guard rails on the policy table for the Mặt trận Tổ quốc's supervisor (issue 23): whatever
is edited later, it reads the accepted model of its organiser and records opinions, and it
never scores, reviews, reads a draft or a submitted model, or runs a round."""

from tests.security.policy import NOT_FOUND, OK, POLICY, SUPERVISOR


def _cells(endpoint: str, case: str = ""):
    entry = POLICY[endpoint][case] if case else POLICY[endpoint]
    return [cell for cell in (entry.get, entry.post) if cell]


def test_the_supervisor_reads_the_accepted_model_and_writes_opinions():
    assert POLICY["registry.detail"]["accepted"].get[SUPERVISOR] == OK
    assert POLICY["evidence.download"]["accepted"].get[SUPERVISOR] == OK
    assert all(cell[SUPERVISOR] == OK for cell in _cells("supervision.opinion"))
    assert POLICY["supervision.index"].get[SUPERVISOR] == OK


def test_the_supervisor_never_scores_reviews_or_reads_drafts():
    for endpoint in ("scoring.score", "scoring.queue", "scoring.recuse", "rounds.index", "rounds.ranking",
                     "rounds.progress", "registry.review", "registry.bulk_review", "registry.index",
                     "reports.dashboard", "audit.index"):
        assert all(cell[SUPERVISOR] != OK for cell in _cells(endpoint)), endpoint
    for action in ("tra-lai", "tiep-nhan", "khong-tiep-nhan", "rut"):
        assert POLICY["registry.transition"][action].post[SUPERVISOR] == NOT_FOUND, action
    for endpoint, case in (("registry.detail", "draft"), ("registry.detail", "draft_b"),
                           ("evidence.download", "draft"), ("registry.edit", "draft")):
        assert all(cell[SUPERVISOR] == NOT_FOUND for cell in _cells(endpoint, case)), (endpoint, case)


def test_only_readers_of_the_model_fetch_an_opinions_file():
    cell = POLICY["supervision.file"].get
    assert cell["staff_a"] == NOT_FOUND  # the unit does not read what its supervisors wrote
    assert cell["evaluator_unassigned"] == NOT_FOUND and cell["evaluator_assigned"] == OK
