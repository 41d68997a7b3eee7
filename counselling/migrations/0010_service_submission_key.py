from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("counselling", "0009_board_threshold"),
    ]

    operations = [
        migrations.AddField(
            model_name="counsellingservice",
            name="submission_key",
            field=models.UUIDField(
                blank=True,
                editable=False,
                null=True,
                unique=True,
                verbose_name="Formular-Schlüssel",
            ),
        ),
    ]
