"""Every table that holds a buyer's data is in a privacy section: a new model with a
foreign key to a buyer (or to a buyer's visit) that no section exports or erases fails
here, before an export leaves it out or an erasure leaves it behind."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table

from mall.extensions import db
from mall.privacy.registry import PersonalData
from mall.privacy.sections import SECTIONS

#: Whose rows are a person's: the account, and the visits a browser makes for it.
PERSONS = ("buyer", "visitor")


def uncovered(metadata: MetaData, sections: tuple[PersonalData, ...]) -> set[str]:
    """Tables of a person, or pointing at one, that no section names."""
    personal = {
        table.name
        for table in metadata.tables.values()
        if table.name in PERSONS
        or any(key.column.table.name in PERSONS for key in table.foreign_keys)
    }
    return personal - {name for section in sections for name in section.tables}


def test_every_table_pointing_at_a_buyer_or_a_visit_is_in_a_section():
    assert uncovered(db.metadata, SECTIONS) == set()


def test_a_new_table_with_a_buyer_key_and_no_section_is_caught():
    metadata = MetaData()
    for table in db.metadata.tables.values():
        table.to_metadata(metadata)
    Table("want_list", metadata, Column("id", Integer, primary_key=True),
          Column("buyer_id", ForeignKey("buyer.id")))
    assert uncovered(metadata, SECTIONS) == {"want_list"}


def test_sections_name_real_tables_and_do_something():
    for section in SECTIONS:
        assert set(section.tables) <= set(db.metadata.tables), section.name
        assert section.export is not None or section.erase is not None, section.name
    assert len({section.name for section in SECTIONS}) == len(SECTIONS)


def test_the_account_itself_is_erased_last():
    assert SECTIONS[-1].tables == ("buyer",)
