"""The paper form's live preview, rendered by the public page's code."""

import pytest
from django.contrib.auth.models import Permission, User

from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/papers/paper/preview/"


def test_the_preview_renders_markdown_math_tables_and_ratings(admin_client):
    response = admin_client.post(
        PREVIEW,
        {
            "summary": "A **bold** claim with $x^2$.",
            "body": "## Method\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n$$E = mc^2$$\n",
            "rating_novelty": "4",
            "rating_value": "9",  # out of range: left out, not an error
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html
    assert '<span class="math' in html and "$x^2$" in html
    assert "<table>" in html and '<h2 id="method">Method</h2>' in html
    assert "4/5" in html
    assert "9/5" not in html


def test_the_preview_is_sanitised_like_the_public_page(admin_client):
    body = '<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror="alert(1)">'
    html = admin_client.post(PREVIEW, {"body": body}).content.decode()

    assert "<script>" not in html
    assert 'href="javascript' not in html
    assert "<img" not in html


def test_the_preview_matches_the_public_page(admin_client, client):
    paper = PaperFactory(
        summary="Short *summary*.", body="## Results\n\nA table:\n\n| k | v |\n|---|---|\n| 1 | 2 |\n"
    )

    preview = admin_client.post(PREVIEW, {"summary": paper.summary, "body": paper.body}).content.decode()
    public = client.get(paper.get_absolute_url()).content.decode()

    assert preview.strip() and preview.strip() in public


def test_the_paper_form_has_the_preview_pane_and_its_script(admin_client):
    html = admin_client.get("/admin/papers/paper/add/").content.decode()

    assert 'id="note-preview"' in html
    assert f'data-preview-url="{PREVIEW}"' in html
    assert "js/admin-preview.js" in html and "vendor/katex/katex.min.js" in html


def test_the_preview_only_answers_posts_from_editors(client):
    assert client.post(PREVIEW, {"body": "x"}).status_code == 302  # to the login page
    viewer = User.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_paper"))
    client.force_login(viewer)
    assert client.post(PREVIEW, {"body": "x"}).status_code == 403
    client.force_login(User.objects.create_superuser("boss", "b@example.com", "x"))
    assert client.get(PREVIEW).status_code == 405
