def test_service_errors_go_to_the_form_field_rename_names():
    from django import forms as django_forms
    from django.core.exceptions import ValidationError

    from participai.core.forms import add_service_errors

    class UploadForm(django_forms.Form):
        documents = django_forms.CharField(required=False)

    form = UploadForm(data={})
    assert form.is_valid()
    error = ValidationError({"file": ["Not a PDF."], "price": ["Too high."]})
    add_service_errors(form, error, rename={"file": "documents"})
    assert form.errors["documents"] == ["Not a PDF."]
    # A field the form lacks still reaches the reader, at the top.
    assert form.non_field_errors() == ["Too high."]
