"""Media assets can be stills (storyboard frames): `kind`, the `shot` they belong to, and how they were `generation`-made."""
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('media', '0001_initial'),
        ('scenes', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='mediaasset',
            name='kind',
            field=models.CharField(choices=[('video', 'Video clip'), ('image', 'Still image')], default='video', max_length=8),
        ),
        migrations.AddField(
            model_name='mediaasset',
            name='shot',
            field=models.ForeignKey(blank=True, help_text='The shot a still belongs to (storyboard frames); clips link to a take instead.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='media_assets', to='scenes.shot'),
        ),
        migrations.AddField(
            model_name='mediaasset',
            name='generation',
            field=models.JSONField(blank=True, default=dict, help_text="How an AI-made still was made: {'provider': 'fal', 'model', 'prompt', 'seed', 'choices', 'request_id', 'job', 'template'}; {} for uploads."),
        ),
    ]
