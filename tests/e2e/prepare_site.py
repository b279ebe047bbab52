"""Fills the browser tests' own database: the demo site, the two roles with a user each,
and a few notes the tests look for by title.

Run in the test server's environment, before the server starts:
`python -m tests.e2e.prepare_site` (tests/e2e/conftest.py does it).
"""

import io
import os
from datetime import timedelta

DEMO_PAPERS = 1000
PASSWORD = "a-long-password-for-the-browser-tests"
EDITOR = "editor"
CHIEF_EDITOR = "chief"

# Where the reader journey goes: a venue×area page with other venues beside it.
VENUE, AREA = "ICML2025", "llm_pretraining"

# A public note whose table is wider than a phone, with inline and display math.
SHOWCASE_TITLE = "A wide benchmark table and an update rule"
SHOWCASE_SLUG = "a-wide-benchmark-table-and-an-update-rule"
SHOWCASE_TOPIC = "Scaling Laws"
SHOWCASE_SUMMARY = (
    r"We penalise the update with $\lambda \lVert \Delta\theta \rVert_2^2$ and compare nine "
    "settings side by side, on every benchmark at once."
)
SHOWCASE_BODY = r"""## Method

Each step solves a small problem around the current weights:

$$\theta_{t+1} = \theta_t - \eta \, \nabla_\theta \mathcal{L}(\theta_t) - \lambda \, \Delta\theta_t$$

where $\eta$ is the step size and $\lambda \ge 0$ weighs the penalty.

## Results

| Setting | Params | MMLU | GSM8K | HumanEval | MATH | ARC-C | HellaSwag | Tokens per second |
|---|---|---|---|---|---|---|---|---|
| Baseline | 7B | 61.2 | 52.4 | 33.1 | 18.9 | 55.0 | 79.3 | 1,840 |
| Penalised update | 7B | 63.8 | 58.9 | 36.4 | 22.7 | 57.2 | 80.1 | 2,310 |
| Penalised update, longer schedule | 7B | 64.1 | 59.6 | 37.0 | 23.5 | 57.9 | 80.4 | 2,290 |

The gain is largest on GSM8K, where $\Delta = 6.5$ points.
"""

# Drafts the editor journeys change; nobody else touches them.
CONFLICT_TITLE = "Two editors on one draft"
HISTORY_TITLE = "A draft rewritten and restored"
HISTORY_FIRST_BODY = "The first wording of this note, which the history brings back."


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "notesite.settings")
    import django

    django.setup()

    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.utils import timezone

    from papers.models import Paper
    from venues.models import Area, Venue

    quiet = {"verbosity": 0, "stdout": io.StringIO()}
    call_command("migrate", **quiet)
    call_command("load_demo", papers=DEMO_PAPERS, **quiet)
    call_command("setup_roles", **quiet)
    for username, group in [(EDITOR, "Editors"), (CHIEF_EDITOR, "Chief editors")]:
        user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=group))

    venue, area = Venue.objects.get(slug=VENUE), Area.objects.get(slug=AREA)
    showcase = Paper.objects.create(
        venue=venue,
        area=area,
        title=SHOWCASE_TITLE,
        slug=SHOWCASE_SLUG,
        summary=SHOWCASE_SUMMARY,
        body=SHOWCASE_BODY,
        authors="Ada Example, Ben Sample",
        keywords="optimisation, regularisation",
        status=Paper.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(days=1),
        rating_novelty=4,
        rating_experiments=3,
    )
    showcase.topics.add(SHOWCASE_TOPIC)
    for title, body in [(CONFLICT_TITLE, "Line one.\nLine two.\n"), (HISTORY_TITLE, HISTORY_FIRST_BODY)]:
        Paper.objects.create(
            venue=venue,
            area=area,
            title=title,
            slug=title.lower().replace(" ", "-"),
            summary="A note the editors' tests work on.",
            body=body,
            status=Paper.Status.DRAFT,
        )


if __name__ == "__main__":
    main()
