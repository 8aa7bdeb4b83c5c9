from participai.procurements.models import Procurement


def test_fixtures_build_a_procurement(procurement, published):
    assert Procurement.objects.count() == 2
    assert published.is_published and not procurement.is_published
