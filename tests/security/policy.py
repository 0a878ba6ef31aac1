"""THE authorisation policy: for every URL rule of the app and every actor, what must happen.

`tests/security/test_authorization_matrix.py` visits every rule in `app.url_map` with real
objects (tests/security/world.py) as every actor, for GET and for POST, and compares the answer
with this table. A rule that is missing here fails that test: whoever adds a route declares who
may use it, here, in the same change.

Outcomes: OK (2xx, a redirect elsewhere than the login page, or 400/409/422: the request got
past authorisation and the view answered), LOGIN (redirect to the login page), FORBIDDEN (403),
NOT_FOUND (404; used where even the existence of the object is private).

Actors: anonymous; STAFF_A (staff of unit A, which owns the objects); STAFF_B (staff of unit B);
EV_ASSIGNED (evaluator assigned to the object); EV_CONFLICT (evaluator of unit A: a conflict of
interest, never assignable); EV_UNASSIGNED (on the panel, not assigned to this object);
SECRETARIAT; OBSERVER; ADMIN; SUPERVISOR (the Mặt trận Tổ quốc of the world's organiser: reads its
accepted models, records supervision opinions, nothing else).

URL parameters are filled by name from the world (`initiative_id` = unit A"s accepted model in
the round being scored, `evidence_id` = its image, `proposal_id` = a draft proposal...);
`params` picks another object of the world for an entry, and `cases` checks a rule against
several objects (a draft, another unit"s draft, an accepted model...).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, LOGIN, FORBIDDEN, NOT_FOUND = "ok", "login", "403", "404"

ANONYMOUS = "anonymous"
STAFF_A, STAFF_B = "staff_a", "staff_b"
EV_ASSIGNED, EV_CONFLICT, EV_UNASSIGNED = "evaluator_assigned", "evaluator_conflict", "evaluator_unassigned"
SECRETARIAT, OBSERVER, ADMIN = "secretariat", "observer", "admin"
SUPERVISOR = "supervisor"
SIGNED_IN_ACTORS = (STAFF_A, STAFF_B, EV_ASSIGNED, EV_CONFLICT, EV_UNASSIGNED, SECRETARIAT, OBSERVER, ADMIN,
                    SUPERVISOR)
ACTORS = (ANONYMOUS, *SIGNED_IN_ACTORS)


def allow(*actors: str, anonymous: str = LOGIN, otherwise: str = FORBIDDEN, **exceptions: str) -> dict[str, str]:
    """`actors` get OK, the anonymous visitor `anonymous`, every other actor `otherwise`,
    except those named in `exceptions`."""
    unknown = (set(actors) | set(exceptions)) - set(SIGNED_IN_ACTORS)
    assert not unknown, f"unknown actors {unknown}"
    expected = {actor: (OK if actor in actors else otherwise) for actor in SIGNED_IN_ACTORS}
    expected.update(exceptions)
    return {ANONYMOUS: anonymous, **expected}


PUBLIC = allow(*SIGNED_IN_ACTORS, anonymous=OK)
SIGNED_IN = allow(*SIGNED_IN_ACTORS)
# Unit A's submitted or accepted model is invisible to unit B's staff and to evaluators (other
# than through scoring): to them its pages answer 404, like an id that does not exist; those
# who see it but may not act get 403.
UNSEEN = {STAFF_B: NOT_FOUND, EV_ASSIGNED: NOT_FOUND, EV_CONFLICT: NOT_FOUND, EV_UNASSIGNED: NOT_FOUND}
# A submitted model is also invisible to the supervisor, who reads accepted models only.
UNSEEN_SUBMITTED = {**UNSEEN, SUPERVISOR: NOT_FOUND}


@dataclass(frozen=True)
class Entry:
    get: dict[str, str] | None = None
    post: dict[str, str] | None = None
    params: dict[str, str] = field(default_factory=dict)

    def expected(self, method: str) -> dict[str, str] | None:
        return {"GET": self.get, "POST": self.post}.get(method)


POLICY: dict[str, Entry | dict[str, Entry]] = {
    "admin.unit_create": Entry(get=allow(ADMIN), post=allow(ADMIN)),
    "admin.unit_edit": Entry(get=allow(ADMIN), post=allow(ADMIN)),
    "admin.unit_set_active": Entry(post=allow(ADMIN)),
    "admin.units": Entry(get=allow(ADMIN)),
    "admin.user_create": Entry(get=allow(ADMIN), post=allow(ADMIN)),
    "admin.user_edit": Entry(get=allow(ADMIN), post=allow(ADMIN)),
    "admin.user_reset_password": Entry(post=allow(ADMIN)),
    "admin.user_set_active": Entry(post=allow(ADMIN)),
    "admin.users": Entry(get=allow(ADMIN)),
    "audit.index": Entry(get=allow(SECRETARIAT, ADMIN)),
    # Upward proposals: the acting organiser's secretariat. The one-organiser world has no level
    # above, so the form answers 404 without a model, and the decisions are tried on a proposal
    # that does not exist (who decides a real one, and who may not: tests/organisers).
    "nominations.index": Entry(get=allow(SECRETARIAT, ADMIN)),
    "nominations.accept": Entry(post=allow(**{SECRETARIAT: NOT_FOUND, ADMIN: NOT_FOUND}),
                                params={"nomination_id": "no_nomination"}),
    "nominations.return_": Entry(post=allow(**{SECRETARIAT: NOT_FOUND, ADMIN: NOT_FOUND}),
                                 params={"nomination_id": "no_nomination"}),
    "nominations.new": Entry(get=allow(**{SECRETARIAT: NOT_FOUND, ADMIN: NOT_FOUND}),
                             post=allow(**{SECRETARIAT: NOT_FOUND, ADMIN: NOT_FOUND})),
    "organisers.rollup": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "auth.change_password": Entry(get=SIGNED_IN, post=SIGNED_IN),
    "auth.login": Entry(get=PUBLIC, post=PUBLIC),
    # Logging out ends on the login page, for everybody.
    "auth.logout": Entry(post=allow(anonymous=LOGIN, otherwise=LOGIN)),
    "awards.add_line": Entry(post=allow(SECRETARIAT)),
    "awards.approve": Entry(post=allow(SECRETARIAT)),
    "awards.ballot": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN, otherwise=NOT_FOUND)),
    "awards.ballot_close": Entry(post=allow(SECRETARIAT)),
    "awards.ballot_open": Entry(get=allow(SECRETARIAT), post=allow(SECRETARIAT)),
    "awards.ballot_paper": Entry(get=allow(SECRETARIAT), post=allow(SECRETARIAT)),
    # Only the ballot's council votes (none of the actors): readers are told no, the others
    # learn nothing about the ballot.
    "awards.ballot_vote": Entry(post=allow(otherwise=NOT_FOUND, secretariat=FORBIDDEN, observer=FORBIDDEN,
                                           admin=FORBIDDEN)),
    "awards.delete": Entry(post=allow(SECRETARIAT)),
    "awards.detail": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "awards.document": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN), params={"slug": "to-trinh", "extension": "docx"}),
    "awards.dossier_zip": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "awards.form_create": Entry(get=allow(SECRETARIAT, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "awards.form_edit": Entry(get=allow(SECRETARIAT, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "awards.forms": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "awards.index": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "awards.meeting": Entry(get=allow(SECRETARIAT), post=allow(SECRETARIAT)),
    "awards.new": Entry(get=allow(SECRETARIAT), post=allow(SECRETARIAT)),
    "awards.remove_line": Entry(post=allow(SECRETARIAT)),
    "awards.report": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN), params={"extension": "docx"}),
    "awards.return_": Entry(post=allow(SECRETARIAT)),
    "awards.revoke": Entry(get=allow(SECRETARIAT), post=allow(SECRETARIAT), params={"line_id": "approved_line"}),
    "awards.save": Entry(post=allow(SECRETARIAT)),
    "awards.unit_history": Entry(get=SIGNED_IN),
    # Certificates (phôi): readers of the proposal download them; the layouts (global, like the
    # award forms) and the acting organiser's calibration are the secretariat's and the admin's.
    "certificates.download_page": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN),
                                        params={"proposal_id": "approved_proposal"}),
    "certificates.proposal_pdf": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN),
                                       params={"proposal_id": "approved_proposal"}),
    "certificates.line_pdf": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN),
                                   params={"proposal_id": "approved_proposal", "line_id": "approved_line"}),
    "certificates.layouts": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "certificates.layout_edit": Entry(get=allow(SECRETARIAT, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "certificates.layout_preview": Entry(post=allow(SECRETARIAT, ADMIN)),
    "certificates.calibration": Entry(get=allow(SECRETARIAT, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "certificates.calibration_page": Entry(get=allow(SECRETARIAT, ADMIN)),
    "evidence.delete": {
        "draft": Entry(post=allow(STAFF_A, otherwise=NOT_FOUND), params={"evidence_id": "draft_evidence"}),
        # Evidence of a submitted or accepted dossier is frozen, also for its owner.
        "accepted": Entry(post=allow(**UNSEEN)),
    },
    "evidence.download": {
        "accepted": Entry(get=allow(STAFF_A, EV_ASSIGNED, SECRETARIAT, OBSERVER, ADMIN, SUPERVISOR,
                                    otherwise=NOT_FOUND)),
        "draft": Entry(get=allow(STAFF_A, otherwise=NOT_FOUND), params={"evidence_id": "draft_evidence"}),
        # A file marked public is public only once its model is accepted.
        "public": Entry(get=PUBLIC, params={"evidence_id": "public_evidence"}),
        "public_draft": Entry(get=allow(STAFF_A, otherwise=NOT_FOUND), params={"evidence_id": "public_draft_evidence"}),
    },
    "evidence.publish": Entry(post=allow(SECRETARIAT, ADMIN, **UNSEEN)),
    "evidence.thumbnail": Entry(get=allow(STAFF_A, EV_ASSIGNED, SECRETARIAT, OBSERVER, ADMIN, SUPERVISOR,
                                          otherwise=NOT_FOUND)),
    "evidence.upload": {
        "draft": Entry(post=allow(STAFF_A, otherwise=NOT_FOUND), params={"initiative_id": "draft"}),
        "draft_b": Entry(post=allow(STAFF_B, otherwise=NOT_FOUND), params={"initiative_id": "draft_b"}),
        "accepted": Entry(post=allow(**UNSEEN)),  # frozen dossier: no new evidence
    },
    "exports.compliance": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "exports.proposal": {
        "draft": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
        "approved": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN), params={"proposal_id": "approved_proposal"}),
    },
    "exports.ranking": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN), params={"round_id": "finalised_round"}),
    "exports.registry": Entry(get=allow(STAFF_A, STAFF_B, SECRETARIAT, OBSERVER, ADMIN)),
    "home.index": Entry(get=SIGNED_IN),
    "home.root": Entry(get=SIGNED_IN),
    "imports.index": Entry(get=allow(ADMIN)),
    "imports.template": Entry(get=allow(ADMIN)),
    "imports.upload": Entry(post=allow(ADMIN)),
    # The user guides: every signed-in person may read every role's guide and its screenshots.
    "help.guide": Entry(get=SIGNED_IN, params={"slug": "can-bo"}),
    "help.index": Entry(get=SIGNED_IN),
    "help.screenshot": Entry(get=SIGNED_IN, params={"name": "login.png"}),
    "notifications.index": Entry(get=SIGNED_IN),
    "notifications.mark_all_read": Entry(post=SIGNED_IN),
    "notifications.mark_read": Entry(post=allow(STAFF_A, otherwise=NOT_FOUND)),
    "notifications.open_": Entry(post=allow(STAFF_A, otherwise=NOT_FOUND)),
    "ops.healthz": Entry(get=PUBLIC),
    "organisers.create": Entry(get=allow(ADMIN), post=allow(ADMIN)),
    "organisers.edit": Entry(get=allow(ADMIN), post=allow(ADMIN)),
    "organisers.index": Entry(get=allow(ADMIN)),
    "organisers.remove": Entry(post=allow(ADMIN)),
    # The header's switcher: an empty form names no organiser of the user's, for anybody.
    "organisers.switch": Entry(post=allow(otherwise=FORBIDDEN)),
    # The people's survey: public by design (a code of 99 random bits); its management pages
    # belong to the model's unit and its secretariat, and are 404 to everyone else.
    "feedback.survey": Entry(get=PUBLIC, post=PUBLIC),
    "feedback.thanks": Entry(get=PUBLIC),
    "feedback.overview": Entry(get=allow(SECRETARIAT, ADMIN)),
    "feedback.manage": Entry(get=allow(STAFF_A, SECRETARIAT, ADMIN, otherwise=NOT_FOUND)),
    "feedback.poster": Entry(get=allow(STAFF_A, SECRETARIAT, ADMIN, otherwise=NOT_FOUND)),
    "feedback.poster_docx": Entry(get=allow(STAFF_A, SECRETARIAT, ADMIN, otherwise=NOT_FOUND)),
    "feedback.make_codes": Entry(post=allow(STAFF_A, SECRETARIAT, ADMIN, otherwise=NOT_FOUND)),
    "feedback.codes_docx": Entry(get=allow(STAFF_A, SECRETARIAT, ADMIN, otherwise=NOT_FOUND)),
    "feedback.set_aside": Entry(post=allow(SECRETARIAT, ADMIN, otherwise=NOT_FOUND, **{STAFF_A: FORBIDDEN})),
    "feedback.review_comment": Entry(post=allow(SECRETARIAT, ADMIN, otherwise=NOT_FOUND, **{STAFF_A: FORBIDDEN})),
    "registry.compliance": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "registry.review": Entry(get=allow(SECRETARIAT, ADMIN)),
    "registry.bulk_review": Entry(post=allow(SECRETARIAT, ADMIN)),
    "registry.remind_unit": Entry(post=allow(SECRETARIAT, ADMIN)),
    "registry.create": Entry(get=allow(STAFF_A, STAFF_B), post=allow(STAFF_A, STAFF_B)),
    "registry.deadline_settings": Entry(get=allow(SECRETARIAT, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "registry.detail": {
        "accepted": Entry(get=allow(STAFF_A, SECRETARIAT, OBSERVER, ADMIN, SUPERVISOR, otherwise=NOT_FOUND)),
        "draft": Entry(get=allow(STAFF_A, otherwise=NOT_FOUND), params={"initiative_id": "draft"}),
        "draft_b": Entry(get=allow(STAFF_B, otherwise=NOT_FOUND), params={"initiative_id": "draft_b"}),
    },
    "registry.edit": {
        "draft": Entry(get=allow(STAFF_A, otherwise=NOT_FOUND), post=allow(STAFF_A, otherwise=NOT_FOUND),
                       params={"initiative_id": "draft"}),
        "draft_b": Entry(get=allow(STAFF_B, otherwise=NOT_FOUND), post=allow(STAFF_B, otherwise=NOT_FOUND),
                         params={"initiative_id": "draft_b"}),
        # The owner gets past authorisation; the workflow then refuses (the dossier is frozen).
        "accepted": Entry(get=allow(STAFF_A, **UNSEEN), post=allow(STAFF_A, **UNSEEN)),
    },
    "registry.grant_extension": Entry(post=allow(SECRETARIAT, ADMIN)),
    "registry.index": Entry(get=allow(STAFF_A, STAFF_B, SECRETARIAT, OBSERVER, ADMIN)),
    "registry.unit_lookup": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "registry.revoke_extension": Entry(post=allow(SECRETARIAT, ADMIN)),
    "registry.transition": {
        "nop": Entry(post=allow(STAFF_A, otherwise=NOT_FOUND), params={"initiative_id": "draft", "action": "nop"}),
        "rut": Entry(post=allow(STAFF_A, **UNSEEN_SUBMITTED), params={"initiative_id": "submitted", "action": "rut"}),
        "tra-lai": Entry(post=allow(SECRETARIAT, ADMIN, **UNSEEN_SUBMITTED),
                         params={"initiative_id": "submitted", "action": "tra-lai"}),
        "tiep-nhan": Entry(post=allow(SECRETARIAT, ADMIN, **UNSEEN_SUBMITTED),
                           params={"initiative_id": "submitted", "action": "tiep-nhan"}),
        "khong-tiep-nhan": Entry(post=allow(SECRETARIAT, ADMIN, **UNSEEN_SUBMITTED),
                                 params={"initiative_id": "submitted", "action": "khong-tiep-nhan"}),
    },
    "register.choose_person": Entry(post=allow(SECRETARIAT, ADMIN)),
    "register.export": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "register.histories": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "register.index": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "register.outside_delete": Entry(post=allow(SECRETARIAT, ADMIN)),
    "register.outside_index": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "register.outside_new": Entry(get=allow(SECRETARIAT, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "register.person_history": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "register.scan": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "register.statistics": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "register.statistics_xlsx": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "register.unit_history": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "reports.dashboard": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "reports.periodic": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "reports.periodic_xlsx": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "reports.static": Entry(get=PUBLIC),
    "jobs.static": Entry(get=PUBLIC, params={"filename": "jobs_filename"}),
    "jobs.index": Entry(get=SIGNED_IN),
    "jobs.status": Entry(get=SIGNED_IN),
    # A job is its owner's (the secretariat's here) alone: anyone else gets the missing answer.
    "jobs.cancel": Entry(post=allow(SECRETARIAT, otherwise=NOT_FOUND)),
    "jobs.download": Entry(get=allow(SECRETARIAT, otherwise=NOT_FOUND)),
    "rounds.assign": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.auto_assign": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.close": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.open_discussion": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.close_discussion": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.reopen_scorecard": Entry(post=allow(SECRETARIAT, ADMIN), params={"round_id": "finalised_round"}),
    # Versions name the evaluator beside the scores: the secretariat and admins only.
    "rounds.scorecard_versions": Entry(get=allow(SECRETARIAT, ADMIN), params={"round_id": "finalised_round"}),
    "rounds.create": Entry(get=allow(SECRETARIAT, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "rounds.detail": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "rounds.entries": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "rounds.entries_add": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.entries_add_all": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.entries_remove": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.finalise": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.index": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "rounds.model_detail": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "rounds.panel": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "rounds.progress": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "rounds.ranking": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN)),
    "rounds.ranking_basis": Entry(post=allow(SECRETARIAT, ADMIN)),
    "similarity.decide": Entry(post=allow(SECRETARIAT, ADMIN),
                               params={"initiative_id": "submitted", "flag_id": "similarity_flag"}),
    "rounds.reopen": Entry(post=allow(ADMIN), params={"round_id": "finalised_round"}),
    "rounds.reopen_scoring": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.rubric": Entry(get=allow(SECRETARIAT, OBSERVER, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "rounds.rubric_delete": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.rubric_move": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.rubric_update": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.settings": Entry(get=allow(SECRETARIAT, ADMIN), post=allow(SECRETARIAT, ADMIN)),
    "rounds.start": Entry(post=allow(SECRETARIAT, ADMIN)),
    "rounds.unassign": Entry(post=allow(SECRETARIAT, ADMIN)),
    "scoring.queue": Entry(get=allow(EV_ASSIGNED, EV_CONFLICT, EV_UNASSIGNED)),
    "scoring.recuse": Entry(post=allow(EV_ASSIGNED)),
    "scoring.results": Entry(get=allow(STAFF_A, STAFF_B)),
    "scoring.score": Entry(get=allow(EV_ASSIGNED), post=allow(EV_ASSIGNED)),
    "showcase.detail": {
        "accepted": Entry(get=PUBLIC),
        # The public library never admits that an unpublished model exists.
        "draft": Entry(get=allow(anonymous=NOT_FOUND, otherwise=NOT_FOUND), params={"initiative_id": "draft"}),
    },
    "showcase.index": Entry(get=PUBLIC),
    # Supervision (issue 23): the organiser's Mặt trận Tổ quốc lists and writes; the opinion's
    # file is read by whoever reads the opinions (the supervisors, the model's readers, the
    # evaluator assigned to it), never by the unit, and another evaluator learns nothing.
    "supervision.index": Entry(get=allow(SUPERVISOR)),
    "supervision.opinion": Entry(get=allow(SUPERVISOR), post=allow(SUPERVISOR)),
    "supervision.file": Entry(get=allow(SUPERVISOR, EV_ASSIGNED, SECRETARIAT, OBSERVER, ADMIN, otherwise=NOT_FOUND)),
}


# --- Actors of other organisers (issue 14) ---------------------------------------------------
# tests/security/test_organiser_matrix.py builds the same world inside one organiser and visits
# it as people of another: a commune B beside it, and (when the world is a commune's) the
# province above it. Their expected outcome is derived from the table above, never written by
# hand: each stands in for a home actor of the same role who owns nothing in the world.

COMMUNE_SECRETARIAT, COMMUNE_OBSERVER = "commune_secretariat", "commune_observer"
COMMUNE_EVALUATOR, COMMUNE_STAFF = "commune_evaluator", "commune_staff"
COMMUNE_SUPERVISOR, PROVINCE_SUPERVISOR = "commune_supervisor", "province_supervisor"
PROVINCE_SECRETARIAT, PROVINCE_STAFF, PROVINCE_OBSERVER = "province_secretariat", "province_staff", "province_observer"
COMMUNE_ACTORS = (COMMUNE_SECRETARIAT, COMMUNE_OBSERVER, COMMUNE_EVALUATOR, COMMUNE_STAFF, COMMUNE_SUPERVISOR)
PROVINCE_ACTORS = (PROVINCE_SECRETARIAT, PROVINCE_STAFF, PROVINCE_OBSERVER, PROVINCE_SUPERVISOR)

HOME_ANALOGUE = {
    COMMUNE_SECRETARIAT: SECRETARIAT, PROVINCE_SECRETARIAT: SECRETARIAT,
    COMMUNE_OBSERVER: OBSERVER, PROVINCE_OBSERVER: OBSERVER,
    COMMUNE_EVALUATOR: EV_UNASSIGNED,  # on a panel, but never assigned anything of the world
    COMMUNE_STAFF: STAFF_B, PROVINCE_STAFF: STAFF_B,  # staff of a unit that is not unit A
    # Supervising never reads down: the province's Mặt trận reads no commune's models.
    COMMUNE_SUPERVISOR: SUPERVISOR, PROVINCE_SUPERVISOR: SUPERVISOR,
}
# An observer reads the organisers nested below his (access.readable_organiser_ids): the
# province's observer reads a commune's world as its own observer does, and changes nothing.
READS_DOWN = {PROVINCE_OBSERVER}

# URL values of the world that belong to no organiser: the award catalogue is shared by every
# level, and static file names are files of the app.
SHARED_OBJECTS = {"form_id", "jobs_filename", "filename"}

REFUSED = "refused"  # 403 or 404: either keeps another organiser's data out of reach

# Where the derivation does not apply, and why.
FOREIGN_SPECIAL: dict[str, str] = {
    # Public by design: the library shows accepted models and their public files to anyone.
    "showcase.index": OK,
    "showcase.detail[accepted]": OK,
    "evidence.download[public]": OK,
    "feedback.survey": OK,
    "feedback.thanks": OK,
    "auth.login": OK,
    "ops.healthz": OK,
    "reports.static": OK,
    "jobs.static": OK,
    # Everybody's own pages: the guides, one's own notifications, jobs and password.
    "help.index": OK,
    "help.guide": OK,
    "help.screenshot": OK,
    "notifications.index": OK,
    "notifications.mark_all_read": OK,
    "jobs.index": OK,
    "jobs.status": OK,
    "auth.change_password": OK,
    # Logging out ends on the login page, for everybody.
    "auth.logout": LOGIN,
    # The switcher with an empty form names no organiser of the user's: refused, as at home.
    "organisers.switch": REFUSED,
}


def foreign_expected(label: str, method: str, home: dict[str, str], actor: str, named: set[str]) -> str:
    """What `actor`, of another organiser than the world's, must meet at the rule `label`.

    `home` is the policy's row for this rule and method, `named` the world objects its URL
    names (policy params or the URL argument names). The actor behaves as its home analogue
    (HOME_ANALOGUE) on whatever belongs to nobody, and is refused on anything of the world's
    organiser:
    - a special case (FOREIGN_SPECIAL) answers as written there;
    - where the analogue is refused, the actor is refused too;
    - where the analogue gets OK, the actor gets OK if the URL names nothing of the world's
      (shared objects aside, SHARED_OBJECTS), else it is refused (403 or 404).
    An observer of an organiser above the world's (READS_DOWN) reads as the home observer
    and, like every foreign actor, writes nothing of the world's.
    """
    if label in FOREIGN_SPECIAL:
        return FOREIGN_SPECIAL[label]
    analogue = HOME_ANALOGUE[actor]
    if actor in READS_DOWN and method == "GET":
        return home[analogue]
    if home[analogue] != OK:
        return REFUSED
    return REFUSED if named - SHARED_OBJECTS else OK


def agrees(expected: str, got: str) -> bool:
    return got in (FORBIDDEN, NOT_FOUND) if expected == REFUSED else got == expected
