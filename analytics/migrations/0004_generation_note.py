"""Generation.note: why a load was built as it was (self-healing full rebuild, rebuild from the lake)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_generation_schema_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="generation",
            name="note",
            field=models.TextField(
                blank=True,
                help_text="Why the load was built as it was: a self-healing full rebuild, a rebuild from the lake.",
            ),
        ),
    ]
