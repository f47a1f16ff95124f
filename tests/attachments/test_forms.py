"""The file input: several files without JavaScript, checked, with its types and limits said."""

from django import forms
from django.utils.datastructures import MultiValueDict

from attachments.forms import FilesField

from . import files
from .files import upload


class ReplyForm(forms.Form):
    files = FilesField()


def test_the_input_takes_several_files_and_says_what_it_accepts():
    html = str(ReplyForm()["files"])

    assert 'type="file"' in html and "multiple" in html
    assert 'accept=".pdf,.png,.jpg,.jpeg,.txt,.csv,.odt,.ods,.docx,.xlsx"' in html
    assert ReplyForm().fields["files"].help_text == (
        "PDF, PNG, JPEG, plain text, CSV, ODT, ODS, DOCX or XLSX. "
        "Up to 10 files, 10 MB each and 25 MB in all."
    )


def test_no_files_is_fine_and_cleans_to_an_empty_list():
    form = ReplyForm(data={}, files=MultiValueDict())

    assert form.is_valid() and form.cleaned_data["files"] == []


def test_several_files_clean_to_checked_files():
    sent = MultiValueDict({"files": [upload("a.pdf", files.PDF), upload("b.csv", files.CSV)]})

    form = ReplyForm(data={}, files=sent)

    assert form.is_valid()
    assert [f.mime_type for f in form.cleaned_data["files"]] == ["application/pdf", "text/csv"]


def test_each_bad_file_has_its_message_on_the_field():
    sent = MultiValueDict({"files": [upload("budget.pdf", files.HTML), upload("e.txt", b"")]})

    form = ReplyForm(data={}, files=sent)

    assert not form.is_valid()
    assert form.errors["files"] == [
        "budget.pdf is not a file type we accept. "
        "Send PDF, PNG, JPEG, plain text, CSV, ODT, ODS, DOCX or XLSX.",
        "e.txt is empty.",
    ]


def test_a_required_files_field_says_so():
    class QuoteForm(forms.Form):
        files = FilesField(required=True)

    form = QuoteForm(data={}, files=MultiValueDict())

    assert form.errors["files"] == ["This field is required."]
