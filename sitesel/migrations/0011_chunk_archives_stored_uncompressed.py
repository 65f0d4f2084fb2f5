"""A chunk's archives are stored as they are: PostgreSQL does not try to compress them.

`payload` is already deflated, and `rank_input` is kept only while the run ranks; compressing the latter
(pglz, in the server process) cost CPU on the cores the workers use, for data dropped minutes later.
"""

from django.db import migrations

COLUMNS = ("payload", "rank_input")


class Migration(migrations.Migration):
    dependencies = [("sitesel", "0010_scoring_ranking_split")]

    operations = [
        migrations.RunSQL(
            sql=[f"ALTER TABLE sitesel_scoringchunk ALTER COLUMN {c} SET STORAGE EXTERNAL" for c in COLUMNS],
            reverse_sql=[f"ALTER TABLE sitesel_scoringchunk ALTER COLUMN {c} SET STORAGE EXTENDED" for c in COLUMNS],
        )
    ]
