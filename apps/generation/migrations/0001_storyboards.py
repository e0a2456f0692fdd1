"""Storyboard templates and favourite frames of a production."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('media', '0002_media_asset_kind_shot_generation'),
        ('productions', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='StoryboardTemplate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('name', models.CharField(max_length=100)),
                ('template', models.TextField(help_text='Tokens and choices as in apps.generation.storyboards.expansion.', max_length=4000)),
                ('style', models.CharField(blank=True, help_text="Default style for {style}; 'noir|pastel' makes a choice.", max_length=200)),
                ('seeds', models.CharField(blank=True, default='1', help_text="Default seeds, e.g. '1-3,7'.", max_length=100)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('production', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='storyboard_templates', to='productions.production')),
            ],
            options={
                'ordering': ['production_id', 'name', 'id'],
                'constraints': [models.UniqueConstraint(fields=('production', 'name'), name='storyboard_template_name_unique', violation_error_message='This production already has a template with that name.')],
            },
        ),
        migrations.CreateModel(
            name='StoryboardFavourite',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1)),
                ('note', models.CharField(blank=True, max_length=500)),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('media_asset', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='storyboard_favourites', to='media.mediaasset')),
                ('production', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='storyboard_favourites', to='productions.production')),
            ],
            options={
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('media_asset',), name='storyboard_favourite_once', violation_error_message='This frame is already a favourite.')],
            },
        ),
    ]
