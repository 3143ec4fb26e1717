"""Number the entries (for checkpoints) and forbid two entries with the same predecessor.

A database whose log already forked (two entries chained to one predecessor, possible on
PostgreSQL before appends were serialised) cannot take the unique constraint: the migration
then fails, naming the duplicate; such a log must be examined, not silently accepted.
"""

from django.db import migrations, models


def number_entries(apps, schema_editor):
    AuditEntry = apps.get_model("audit", "AuditEntry")
    for seq, pk in enumerate(AuditEntry.objects.order_by("id").values_list("pk", flat=True), 1):
        AuditEntry.objects.filter(pk=pk).update(seq=seq)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="seq",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.RunPython(number_entries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditentry",
            name="prev_hash",
            field=models.CharField(max_length=64, unique=True),
        ),
    ]
