"""Small helpers views share for showing rule errors on forms."""


def add_form_error(form, error, field: str | None = None) -> None:
    """Attach a service's DomainError to its own field, else `field`, else the whole form."""
    message = str(error)
    field = getattr(error, "field", None) or field
    if field and field in form:
        form[field].errors = list(form[field].errors) + [message]
    else:
        form.form_errors.append(message)
