"""Helpers shared by forms across apps."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError

WIDGET_CLASSES = {
    forms.Textarea: "usa-textarea",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
    forms.TextInput: "usa-input",
    forms.NumberInput: "usa-input",
    forms.DateInput: "usa-input",
    forms.EmailInput: "usa-input",
    forms.URLInput: "usa-input",
    forms.PasswordInput: "usa-input",
}


class DesignSystemForm(forms.Form):
    """Gives every widget the design system's class, so templates render
    plain ``{{ field }}``. (Errors are styled by the form group around it.)"""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = WIDGET_CLASSES.get(type(field.widget))
            if css:
                field.widget.attrs["class"] = css


def add_service_errors(
    form: forms.Form, error: ValidationError, *, rename: Mapping[str, str] | None = None
) -> None:
    """Show a service's ``ValidationError`` on the form: on the field it names
    (or the form field ``rename`` maps it to, when the service and the form
    name it differently) when the form has that field, otherwise at the top."""
    rename = rename or {}
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            name = rename.get(field, field)
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)
