"""Who may see, change and download library resources (with the query twins)."""
from sqlalchemy import true

from ..permissions import Action, rule, view_rule
from .models import Resource, ResourceVersion


def _visible_resources(viewer, staff):
    return true() if staff else Resource.deleted_at.is_(None)


@view_rule(Resource, query=_visible_resources)
def _view_resource(user, resource, staff):
    """Members see live resources; moderators and admins also open removed ones."""
    return staff or not resource.is_deleted


@view_rule(ResourceVersion, query=lambda viewer, staff: true() if staff
           else ResourceVersion.resource.has(Resource.deleted_at.is_(None)))
def _view_version(user, version, staff):
    return _view_resource(user, version.resource, staff)


@rule(Action.EDIT_RESOURCE, Resource)
def _edit_resource(user, resource, staff):
    return not resource.is_deleted and (staff or resource.author_id == user.id)


rule(Action.DELETE_RESOURCE, Resource)(_edit_resource)


@rule(Action.DOWNLOAD, ResourceVersion)
def _download_version(user, version, staff):
    """A removed resource's files are gone for everyone, staff included."""
    return not version.resource.is_deleted


@rule(Action.SEE_TEXT_STATUS, Resource)
def _resource_text_status(user, resource, staff):
    return staff or resource.author_id == user.id


@rule(Action.SEE_TEXT_STATUS, ResourceVersion)
def _version_text_status(user, version, staff):
    return staff or version.uploader_id == user.id
