"""Where a requirement comes from, as the public reads it.

What people said and what the stakes demand are public already; a
consequence from the scan and a risk in the rights assessment are working
documents the public sees only by kind (as on the governance canvas).
"""

from __future__ import annotations

from participai.tendering.models import RequirementSource

from .test_solicitation_services import make_consequence


def test_the_public_page_names_an_internal_source_by_kind_only(
    client, officer, make_procurement, make_tender
):
    procurement = make_procurement(stage="vendor_evaluation", published=True)
    tender = make_tender(procurement, published=True, requirements=1)
    requirement = tender.requirements.get()
    consequence = make_consequence(procurement, officer, "Night staff rubber-stamp the bands.")
    RequirementSource.objects.create(
        requirement=requirement,
        kind="consequence",
        consequence=consequence,
        label=consequence.description,
    )
    RequirementSource.objects.create(
        requirement=requirement,
        kind="obligation",
        obligation_key="human_final_decision",
        label="A person takes the final decision.",
    )

    public = client.get(f"/p/{procurement.slug}/tender/").content.decode()
    assert "A consequence from the consequence scan" in public
    assert "Night staff rubber-stamp" not in public
    assert "A person takes the final decision." in public

    client.force_login(officer)
    staff = client.get(f"/workspace/procurements/{procurement.slug}/tender/").content.decode()
    assert "Night staff rubber-stamp the bands." in staff


def test_public_label_hides_exactly_the_internal_kinds():
    for kind in ("response", "consequence", "obligation", "fria_risk"):
        source = RequirementSource(kind=kind, label="Text")
        expected = "" if kind in {"consequence", "fria_risk"} else "Text"
        assert source.public_label == expected
