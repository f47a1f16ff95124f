"""The files of many requests and replies, for a page, in one query."""

from attachments.selectors import attachments_of, owner_key
from help_requests.models import Comment

from . import files


def test_each_owners_files_in_one_query(
    attachment_factory, help_request, staff, django_assert_num_queries
):
    reply = Comment.objects.create(request=help_request, author=staff, body="Here.", is_public=True)
    silent = Comment.objects.create(request=help_request, author=staff, body="No files.")
    quote = attachment_factory(help_request, name="quote.pdf")
    budget = attachment_factory(help_request, name="budget.csv", content=files.CSV)
    agreement = attachment_factory(reply, name="agreement.pdf")
    keys = [owner_key(owner) for owner in (help_request, reply, silent)]  # cached content types

    with django_assert_num_queries(1):
        found = attachments_of([help_request, reply, silent])

    assert found[keys[0]] == [quote, budget]
    assert found[keys[1]] == [agreement]
    assert found.get(keys[2], []) == []


def test_no_owners_no_query(django_assert_num_queries, db):
    with django_assert_num_queries(0):
        assert attachments_of([]) == {}
