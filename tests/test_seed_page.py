"""The venue×area page for data shaped like the reference page of the static site.

31 public ICML2025 Pretraining notes; six other venues with 5, 79, 12, 27, 9 and 51
Pretraining notes, listed in venue position order; and topics that make the top-topics
line "LLM ×4 · Alignment/RLHF ×2 · Adversarial Robustness ×2" while others must not
show. All titles and summaries are our own.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AreaFactory, PaperFactory, VenueFactory
from tests.helpers import heading, lines, paper_titles

OTHER_VENUES = [  # (emoji, name, Pretraining notes), in the order the page must show them
    ("📷", "CVPR2026", 5),
    ("🔬", "ICLR2026", 79),
    ("💬", "ACL2026", 12),
    ("🧪", "ICML2026", 27),
    ("🤖", "AAAI2026", 9),
    ("🧠", "NeurIPS2025", 51),
]

# Topics on the 31 ICML2025 Pretraining papers, by paper index.
PAGE_TOPICS = {
    0: ["LLM", "Alignment/RLHF"],
    1: ["LLM", "Adversarial Robustness"],
    2: ["LLM", "Benchmarks"],
    3: ["LLM"],
    4: ["Alignment/RLHF", "Benchmarks"],
    5: ["Adversarial Robustness", "Scaling Laws"],
    6: ["Zebra Finches"],
}

TITLE_WORDS = [
    "widgets",
    "Gradients",
    "tokens",
    "Sparse Experts",
    "ablations",
    "Curricula",
    "mixtures",
    "Priors",
    "loss spikes",
    "Warmup",
    "optimizers",
    "Data Filters",
    "Retrieval",
    "depth",
    "width",
    "Über-parameterised nets",
    "Batch size",
    "learning rates",
    "Embeddings",
    "tokenizers",
    "noise",
    "Synthetic data",
    "distillation",
    "Memory",
    "attention sinks",
    "Löwner orders",
    "Long context",
    "merging",
    "Pruning",
    "quantised weights",
    "zeta functions",
]


@pytest.fixture
def seed_site():
    now = timezone.now()
    pretraining = AreaFactory(name="Pretraining", slug="llm_pretraining", emoji="📚")
    elsewhere_area = AreaFactory(name="Robotics", slug="robotics", emoji="🦾")
    icml25 = VenueFactory(name="ICML2025", emoji="🧪", position=10)
    # Positions deliberately not in name order, and interleaved with venues that must
    # not show: one with only a draft, one with only a scheduled note.
    positions = [20, 30, 40, 50, 60, 70]
    others = [
        VenueFactory(name=name, emoji=emoji, position=position)
        for (emoji, name, _), position in zip(OTHER_VENUES, positions, strict=True)
    ]
    draft_only = VenueFactory(name="EMNLP2025", emoji="🗣️", position=25)
    scheduled_only = VenueFactory(name="KDD2026", emoji="📈", position=35)

    titles = [f"{word} in the pretraining of small models" for word in TITLE_WORDS]
    page_papers = [
        PaperFactory(venue=icml25, area=pretraining, title=title, slug=f"p{i}", topics=PAGE_TOPICS.get(i, []))
        for i, title in enumerate(titles)
    ]
    # Not public, so counted nowhere, though they carry topics that would otherwise win.
    for trait in ("draft", "in_review", "scheduled"):
        PaperFactory(
            venue=icml25, area=pretraining, topics=["Scaling Laws", "Zebra Finches"], **{trait: True}
        )
    PaperFactory(venue=draft_only, area=pretraining, draft=True)
    PaperFactory(venue=scheduled_only, area=pretraining, published_at=now + timedelta(hours=1))

    for venue, (_, _, count) in zip(others, OTHER_VENUES, strict=True):
        for i in range(count):
            PaperFactory(venue=venue, area=pretraining, slug=f"{venue.slug.lower()}-{i}")
    # Site-wide use decides the tie between the topics used twice on the page:
    # Alignment/RLHF (5 papers) > Adversarial Robustness (3) > Benchmarks (2).
    for i in range(3):
        PaperFactory(venue=others[0], area=elsewhere_area, topics=["Alignment/RLHF"], slug=f"align-{i}")
    PaperFactory(venue=others[1], area=elsewhere_area, topics=["Adversarial Robustness"], slug="adv-0")
    # Used a lot elsewhere, but once on this page: must not show.
    for i in range(40):
        PaperFactory(venue=others[2], area=elsewhere_area, topics=["Zebra Finches"], slug=f"zebra-{i}")
    # Other venues in this area, even with ICML2025 notes elsewhere, do not change this page.
    PaperFactory(venue=icml25, area=elsewhere_area, topics=["LLM", "LLM Agents"], slug="elsewhere")
    return {"venue": icml25, "area": pretraining, "titles": titles, "papers": page_papers}


@pytest.mark.django_db
def test_page_says_exactly_the_seed_lines_in_order(client, seed_site):
    response = client.get("/ICML2025/llm_pretraining/")

    assert response.status_code == 200
    assert heading(response) == "📚 Pretraining"
    assert lines(response) == [
        "🧪 ICML2025 · 31 paper notes",
        "📌 Same area in other venues: 📷 CVPR2026 (5) · 🔬 ICLR2026 (79) · 💬 ACL2026 (12) · "
        "🧪 ICML2026 (27) · 🤖 AAAI2026 (9) · 🧠 NeurIPS2025 (51)",
        "🔥 Top topics: LLM ×4 · Alignment/RLHF ×2 · Adversarial Robustness ×2",
    ]


@pytest.mark.django_db
def test_papers_listed_by_lower_cased_title(client, seed_site):
    response = client.get("/ICML2025/llm_pretraining/")

    assert paper_titles(response) == sorted(seed_site["titles"], key=str.lower)
    # Character by character: "Über…" comes after every ASCII letter, "zeta…" included.
    assert paper_titles(response)[-1].startswith("Über")


@pytest.mark.django_db
def test_lines_link_to_their_pages(client, seed_site):
    html = client.get("/ICML2025/llm_pretraining/").content.decode()

    for _, name, _ in OTHER_VENUES:
        assert f'href="/{name}/llm_pretraining/"' in html
    assert 'href="/ICML2025/"' in html
    assert 'href="/topics/llm/"' in html
    assert 'href="/ICML2025/llm_pretraining/p0/"' in html
