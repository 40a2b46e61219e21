"""Initial store schema: articles (with full-text search), events, actors, mentions, places,
people and their aliases, event clusters and the review trail.

Revision ID: 0001
Revises:
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_articles()
    _create_event_clusters()
    _create_people()
    _create_places()
    _create_reviews()
    _create_events()
    _create_mentions()
    _create_person_aliases()
    _create_event_actors()
    _full_text_search()


def _create_articles() -> None:
    op.create_table('articles',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=200), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('date', sa.String(length=10), nullable=True),
    sa.Column('dateline', sa.String(length=200), nullable=True),
    sa.Column('dateline_text', sa.String(length=200), nullable=True),
    sa.Column('dateline_start', sa.Integer(), nullable=True),
    sa.Column('dateline_end', sa.Integer(), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('origin', sa.Text(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('extractor_version', sa.String(length=40), nullable=False),
    sa.Column('ingested_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('content_hash'),
    sa.UniqueConstraint('id')
    )
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.create_index('ix_articles_date', ['date'], unique=False)


def _create_event_clusters() -> None:
    op.create_table('event_clusters',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('canonical_event_pk', sa.Integer(), nullable=True),
    sa.Column('type', sa.String(length=40), nullable=True),
    sa.Column('n_sources', sa.Integer(), nullable=False),
    sa.Column('contradictions', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('id')
    )


def _create_people() -> None:
    op.create_table('people',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('roles', sa.JSON(), nullable=False),
    sa.Column('affiliations', sa.JSON(), nullable=False),
    sa.Column('regions', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('id')
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index('ix_people_key', ['key'], unique=False)


def _create_places() -> None:
    op.create_table('places',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('admin2', sa.String(length=200), nullable=True),
    sa.Column('admin1', sa.String(length=200), nullable=True),
    sa.Column('country', sa.String(length=200), nullable=True),
    sa.Column('country_code', sa.String(length=2), nullable=True),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('lon', sa.Float(), nullable=True),
    sa.Column('precision', sa.String(length=20), nullable=False),
    sa.Column('geonames_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.create_index('ix_places_admin1', ['admin1'], unique=False)
        batch_op.create_index('ix_places_admin2', ['admin2'], unique=False)
        batch_op.create_index('ix_places_country', ['country'], unique=False)
        batch_op.create_index('ix_places_country_code', ['country_code'], unique=False)
        batch_op.create_index('ix_places_name', ['name'], unique=False)


def _create_reviews() -> None:
    op.create_table('reviews',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('row_pk', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=80), nullable=False),
    sa.Column('old_value', sa.JSON(), nullable=True),
    sa.Column('new_value', sa.JSON(), nullable=True),
    sa.Column('reviewer', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_row', ['table_name', 'row_pk'], unique=False)


def _create_events() -> None:
    op.create_table('events',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('article_pk', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('acled_event_type', sa.String(length=80), nullable=True),
    sa.Column('acled_sub_event_type', sa.String(length=80), nullable=True),
    sa.Column('plover', sa.String(length=40), nullable=True),
    sa.Column('cameo', sa.String(length=10), nullable=True),
    sa.Column('trigger_text', sa.Text(), nullable=True),
    sa.Column('trigger_start', sa.Integer(), nullable=True),
    sa.Column('trigger_end', sa.Integer(), nullable=True),
    sa.Column('sentence_text', sa.Text(), nullable=True),
    sa.Column('sentence_start', sa.Integer(), nullable=True),
    sa.Column('sentence_end', sa.Integer(), nullable=True),
    sa.Column('date_value', sa.String(length=40), nullable=True),
    sa.Column('date_precision', sa.String(length=20), nullable=True),
    sa.Column('date_text', sa.Text(), nullable=True),
    sa.Column('date_text_start', sa.Integer(), nullable=True),
    sa.Column('date_text_end', sa.Integer(), nullable=True),
    sa.Column('date_approx', sa.Boolean(), nullable=False),
    sa.Column('date_earliest', sa.String(length=40), nullable=True),
    sa.Column('date_latest', sa.String(length=40), nullable=True),
    sa.Column('date_basis', sa.String(length=20), nullable=True),
    sa.Column('date_start', sa.Date(), nullable=True),
    sa.Column('date_end', sa.Date(), nullable=True),
    sa.Column('place_pk', sa.Integer(), nullable=True),
    sa.Column('location_text', sa.Text(), nullable=True),
    sa.Column('location_start', sa.Integer(), nullable=True),
    sa.Column('location_end', sa.Integer(), nullable=True),
    sa.Column('location_basis', sa.String(length=20), nullable=True),
    sa.Column('location_sublocality', sa.String(length=200), nullable=True),
    sa.Column('count', sa.JSON(), nullable=True),
    sa.Column('fatalities', sa.JSON(), nullable=True),
    sa.Column('injuries', sa.JSON(), nullable=True),
    sa.Column('claim_status', sa.String(length=20), nullable=False),
    sa.Column('claim_source', sa.Text(), nullable=True),
    sa.Column('claim_cue', sa.String(length=200), nullable=True),
    sa.Column('claim_cue_start', sa.Integer(), nullable=True),
    sa.Column('claim_cue_end', sa.Integer(), nullable=True),
    sa.Column('background', sa.Boolean(), nullable=False),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.Column('salience', sa.Float(), nullable=False),
    sa.Column('rule', sa.String(length=200), nullable=True),
    sa.Column('other_mentions', sa.JSON(), nullable=False),
    sa.Column('cluster_pk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['article_pk'], ['articles.pk'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cluster_pk'], ['event_clusters.pk'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['place_pk'], ['places.pk'], ),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('article_pk', 'id', name='uq_events_article_id')
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index('ix_events_claim', ['claim_status'], unique=False)
        batch_op.create_index('ix_events_cluster', ['cluster_pk'], unique=False)
        batch_op.create_index('ix_events_date', ['date_start'], unique=False)
        batch_op.create_index('ix_events_id', ['id'], unique=False)
        batch_op.create_index('ix_events_place_type_date', ['place_pk', 'type', 'date_start'], unique=False)
        batch_op.create_index('ix_events_type_date', ['type', 'date_start'], unique=False)


def _create_mentions() -> None:
    op.create_table('mentions',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('article_pk', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('value', sa.String(length=200), nullable=True),
    sa.Column('place_pk', sa.Integer(), nullable=True),
    sa.Column('person_pk', sa.Integer(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['article_pk'], ['articles.pk'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_pk'], ['people.pk'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['place_pk'], ['places.pk'], ),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index('ix_mentions_article', ['article_pk'], unique=False)
        batch_op.create_index('ix_mentions_kind_value', ['kind', 'value'], unique=False)
        batch_op.create_index('ix_mentions_person', ['person_pk'], unique=False)


def _create_person_aliases() -> None:
    op.create_table('person_aliases',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('person_pk', sa.Integer(), nullable=False),
    sa.Column('alias', sa.String(length=200), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['person_pk'], ['people.pk'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('pk'),
    sa.UniqueConstraint('person_pk', 'alias', name='uq_person_alias')
    )
    with op.batch_alter_table('person_aliases', schema=None) as batch_op:
        batch_op.create_index('ix_person_aliases_key', ['key'], unique=False)


def _create_event_actors() -> None:
    op.create_table('event_actors',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('event_pk', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('start', sa.Integer(), nullable=True),
    sa.Column('end', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=True),
    sa.Column('affiliation', sa.String(length=200), nullable=True),
    sa.Column('aliases', sa.JSON(), nullable=False),
    sa.Column('person_pk', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['event_pk'], ['events.pk'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_pk'], ['people.pk'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('pk')
    )
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.create_index('ix_event_actors_event', ['event_pk'], unique=False)
        batch_op.create_index('ix_event_actors_name', ['name'], unique=False)
        batch_op.create_index('ix_event_actors_person', ['person_pk'], unique=False)



def _full_text_search() -> None:
    """FTS5 over title and text on SQLite (kept in step by triggers); a GIN index on PostgreSQL."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE articles_fts USING fts5("
                   "title, text, content='articles', content_rowid='pk')")
        op.execute("CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
                   "INSERT INTO articles_fts(rowid, title, text) VALUES (new.pk, new.title, new.text); END")
        op.execute("CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
                   "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                   "VALUES ('delete', old.pk, old.title, old.text); END")
        op.execute("CREATE TRIGGER articles_fts_au AFTER UPDATE ON articles BEGIN "
                   "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
                   "VALUES ('delete', old.pk, old.title, old.text); "
                   "INSERT INTO articles_fts(rowid, title, text) VALUES (new.pk, new.title, new.text); END")
    else:
        op.execute("CREATE INDEX ix_articles_fts ON articles USING gin "
                   "(to_tsvector('simple', coalesce(title, '') || ' ' || text))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS articles_fts_{name}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_articles_fts")
    with op.batch_alter_table('event_actors', schema=None) as batch_op:
        batch_op.drop_index('ix_event_actors_person')
        batch_op.drop_index('ix_event_actors_name')
        batch_op.drop_index('ix_event_actors_event')

    op.drop_table('event_actors')
    with op.batch_alter_table('person_aliases', schema=None) as batch_op:
        batch_op.drop_index('ix_person_aliases_key')

    op.drop_table('person_aliases')
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('ix_mentions_person')
        batch_op.drop_index('ix_mentions_kind_value')
        batch_op.drop_index('ix_mentions_article')

    op.drop_table('mentions')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_type_date')
        batch_op.drop_index('ix_events_place_type_date')
        batch_op.drop_index('ix_events_id')
        batch_op.drop_index('ix_events_date')
        batch_op.drop_index('ix_events_cluster')
        batch_op.drop_index('ix_events_claim')

    op.drop_table('events')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_row')

    op.drop_table('reviews')
    with op.batch_alter_table('places', schema=None) as batch_op:
        batch_op.drop_index('ix_places_name')
        batch_op.drop_index('ix_places_country_code')
        batch_op.drop_index('ix_places_country')
        batch_op.drop_index('ix_places_admin2')
        batch_op.drop_index('ix_places_admin1')

    op.drop_table('places')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_key')

    op.drop_table('people')
    op.drop_table('event_clusters')
    with op.batch_alter_table('articles', schema=None) as batch_op:
        batch_op.drop_index('ix_articles_date')

    op.drop_table('articles')
