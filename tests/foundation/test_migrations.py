"""The migrations build exactly the schema the models describe, can be undone, and are never
edited once shipped."""

import hashlib
import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, stamp, upgrade
from sqlalchemy import inspect

from danvankheo import MIGRATIONS_DIR, create_app
from danvankheo.extensions import db

# SHA-256 of every migration on main. A shipped migration is never edited (databases that ran
# it would not see the change): fix it with a new revision. A new migration adds its line here.
SHIPPED = {
    "20261122_0259_0100foundation_foundation_units_users_audit_initiatives.py": "7502fe826446d04dfb41abdceb850781fc93b5aba9d08258a4ecc8f94c6d31c5",
    "20261122_0314_0300scoring_scoring_rounds_rubric_scorecards.py": "8e1f79c1d46b2053262a9570220e71463890d1013c798afbde31c4c16579dfac",
    "20261122_0318_0310registry_registry_deadlines_evidence.py": "13adc62b217b53763e437c1c4e7b6f045e761fa48f8eb9892eb188cb5f1d9b26",
    "20261122_0330_0800search_trigram_search_index.py": "b216c38ae914af458e56c72905054b148ce50178934235b0c5455793fb6d3747",
    "20261122_0340_0500awards_awards_proposals_award_forms_revocations.py": "fe3ee76c77c7b19b0edce6068a31bddec7d729f9d7b02ceba8ec3008dea7e92c",
    "20261122_0650_0900appendonly_audit_trail_append_only_trigger.py": "cd7623cad78b630d8a36ee0c84e1862462b1e7b357e75a101208834cb976e554",
    "20261122_0720_1000standings_round_entry_and_panel_standings.py": "233340d1a34fe6954319a98a1c0cd471a2419018af0eca6cd0001f8f84e3baa2",
    "20261206_1900_1050listingindex_registry_listing_index_everywhere.py": "b8e06fc02bc50476977dfb221f701f885fc4b4d10cfdf0b38578492943f35437",
    "20261206_1900_1100meetings_council_meetings_and_votes.py": "55e2402bbde710d67c0090fa0302197265ca40a07c9596cac0c3c9142effa853",
    "20261206_1900_1100jobs_background_jobs.py": "fd0fa1c611af6f942735b916d9f5e14a252900b91072a234dd51e7ef34ae65ea",
    "20261206_1900_1100uxflow_audit_parent.py": "d82e03dfdf399e5c7f7eaaea97bdcf8694527815e5ccbf335c13301f42ad41ad",
    "20261206_1900_1100hardening_blind_scoring_versions_audit_truncate.py": "f452ed477531e21125209c6251bb16f10a24a01cf40f872df047f5c08cae74fa",
    "20261206_1945_1200judging_ranking_basis_and_snapshot_bases.py": "deeebf226f4e88b6576b0a6a0b465c34ba123d816978af0ebde8b6f8653ae8a4",
    "20261206_2200_1400organisers_organisers_scopes_nominations.py": "3ecc7c952048f406a0256b13b9b6e536c9726d685d5509a7226882242936e834",
    "20261207_0100_1500spreads_round_entry_criterion_spreads.py": "72e6fff3dd1a56c61f2e7e596b715ebccfa9e7e8b79282d0f7dafe5db66250ed",
    "20261207_0130_1510tallies_initiative_tallies.py": "daffa24c50f09ffad513fa1605158e2062d9f0d8d76219f304f39b3537503664",
    "20261207_0140_1520register_outside_awards_and_people.py": "e352fd50e182bd493f7840df23cc39f3dcca7e69d7d348004bd6d6b092e32de3",
    "20261207_0150_1530certificates_layouts_and_printer_calibration.py": "b5d5ed0ce9f1e8989d7ebda91a5f01b2c8d8deabd130ea9a9008b433d8726e10",
    "20261207_0200_1540mttq_supervision_opinions.py": "ebd2fb0fff90477e1c4d8d171ae0f9d67e2668948ad6a5486a95276998d1c265",
    "20261207_0210_1550feedback_people_voice_surveys.py": "1417074a03d807d925a5ea8fbe35c340538e5a2af8f75caf7bbb272a3d13819b",
    "20261207_0420_1560kinds_typed_notification_and_scope_kinds.py": "b32c05ed2fb3ea028f84bf04afd690d614eadcb5b0761c9be41a28c2ae552ad6",
    "20261206_2130_1300ballot_council_secret_ballot.py": "9d85496c2ae8f0d04099311fe994af535497f48f46c92dbbfd3a6d862867025e",
    "20261207_0430_1570snapshottypes_typed_ranking_snapshot_fields.py": "8e21caf3f3b194c513272d3f10a463da947ac3cc13d354a4dd1869e608c51a4f",
    "20261207_1020_1580roundfigures_figures_over_all_totals_of_a_round.py": "c9d259eda1f9fa3c97a08c6b6f1f8061070e08ece443eaecc83d27daf735de99",
    "20261207_1100_1590criterionspreads_round_figures_keep_criterion_spreads.py": "25c4ba2389865d8cbd80476f367cabd51b67bfc7bbfbcad9297b652ad598b52c",
    "20261207_1110_1600libraryfields_accepted_models_per_field_index.py": "3b504b3906770038f4e5b958a3e7a82005a67e269741cc392e654c6358826f96",
    "20261207_1140_1610registryexport_job_kind_registry_export.py": "c16f3bd5cb287342d7736081cbc704b23b9e6dc0fd6f1d8c6f3f6b229f8bdbbb",
    "20261207_1300_1620stepdates_registration_and_acceptance_dates.py": "7de445ce429b9fe353c0c9972aeacf6446d2eca580ff985ef38884ec6b6d2e64",
    "20261207_1340_1630periodindex_periodic_report_covering_index.py": "c39706632bf50633993f6404094c491175df6c261b130de8f8c0761a96922c6c",
}


def test_upgrade_matches_models_then_downgrade_and_upgrade_again(scratch_url):
    # A database of its own so the tables of the other tests are not disturbed.
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR))
        with db.engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        if db.engine.dialect.name == "postgresql":
            # The audit trail's append-only trigger comes from a migration too.
            with db.engine.connect() as connection:
                triggers = connection.exec_driver_sql(
                    "SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_events_append_only'"
                ).scalar()
            assert triggers == 1
        downgrade(directory=str(MIGRATIONS_DIR), revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=str(MIGRATIONS_DIR))
        assert "initiatives" in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


def test_migration_files_have_readable_timestamped_names():
    names = [p.name for p in (MIGRATIONS_DIR / "versions").glob("*.py")]
    assert names
    for name in names:
        assert re.match(r"^\d{8}_\d{4}_[0-9a-z]+_[a-z0-9_]+\.py$", name), name


def test_shipped_migrations_are_never_edited():
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (MIGRATIONS_DIR / "versions").glob("*.py")}
    edited = sorted(name for name, digest in SHIPPED.items() if found.get(name) != digest)
    assert edited == [], f"shipped migrations were edited or removed: {edited}"
    unlisted = sorted(set(found) - set(SHIPPED))
    assert unlisted == [], f"new migrations must add their SHA-256 to SHIPPED: {unlisted}"


@pytest.mark.postgres_only
def test_a_database_upgraded_before_the_listing_index_gets_it(scratch_url):
    """0800search gained ix_initiatives_listing after it shipped; 1050listingindex adds it to
    the databases that ran the shipped form."""
    if not scratch_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: the index exists only there")
    app = create_app({"APP_ENV": "testing", "SQLALCHEMY_DATABASE_URI": scratch_url})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="1000standings")
        with db.engine.begin() as connection:  # the database as the shipped 0800search left it
            connection.exec_driver_sql("DROP INDEX ix_initiatives_listing")
        stamp(directory=str(MIGRATIONS_DIR), revision="1000standings")
        upgrade(directory=str(MIGRATIONS_DIR))
        indexes = {index["name"] for index in inspect(db.engine).get_indexes("initiatives")}
        assert "ix_initiatives_listing" in indexes
        db.session.remove()
        db.engine.dispose()
