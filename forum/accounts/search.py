"""Organisations as a search facet: their names for the filter's labels."""
from sqlalchemy import select

from ..extensions import db
from ..search.registry import register_facet_labels
from .models import Organisation


def _organisation_names(ids: list[str]) -> dict[str, str]:
    numbers = [int(i) for i in ids if i.isdigit()]
    return {str(id_): name for id_, name in db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(numbers)))}


register_facet_labels("organisation_id", _organisation_names)
