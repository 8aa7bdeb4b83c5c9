"""Add the public page's cache version and the folded search text.

These two fields were first written into ``0001_initial`` after it had
landed; a database created from that first migration lacks them, so they
are added here instead, and the search text is filled for existing rows.
"""

from django.db import migrations, models

from participai.core.folding import fold


def fill_search_text(apps, schema_editor):
    Procurement = apps.get_model("procurements", "Procurement")
    for procurement in Procurement.objects.select_related("organisation").iterator():
        procurement.search_text = fold(
            " ".join(
                (
                    procurement.title,
                    procurement.mission,
                    procurement.problem_statement,
                    procurement.organisation.name,
                )
            )
        )
        procurement.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("procurements", "0002_obligation_evidence_document_types"),
    ]

    operations = [
        migrations.AddField(
            model_name="procurement",
            name="version",
            field=models.PositiveIntegerField(
                default=1,
                editable=False,
                help_text="Grows with every change to what the public page shows; keys its cache.",
            ),
        ),
        migrations.AddField(
            model_name="procurement",
            name="search_text",
            field=models.TextField(
                default="",
                editable=False,
                help_text="Title, mission, problem and organisation, case- and accent-folded, "
                "so that 'avila' finds 'Ávila' on every database.",
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
