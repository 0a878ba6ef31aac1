"""certificates: the layout of each award form's certificate (paper and one box per field)
and each organiser's printer calibration and certificate signer

Revision ID: 1530certificates
Revises: 1520register
Create Date: 2026-12-07 00:27:29.004377

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1530certificates'
down_revision = '1520register'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_layouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('award_form_id', sa.Integer(), nullable=False),
    sa.Column('paper', sa.Enum('a4', 'a3', name='paper_size', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('orientation', sa.Enum('portrait', 'landscape', name='paper_orientation', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('achievement_wording', sa.String(length=500), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("achievement_wording <> ''", name=op.f('ck_certificate_layouts_wording_not_empty')),
    sa.ForeignKeyConstraint(['award_form_id'], ['award_forms.id'], name=op.f('fk_certificate_layouts_award_form_id_award_forms'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_certificate_layouts_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_layouts')),
    sa.UniqueConstraint('award_form_id', name=op.f('uq_certificate_layouts_award_form_id'))
    )
    op.create_table('certificate_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_id', sa.Integer(), nullable=False),
    sa.Column('offset_x_mm', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('offset_y_mm', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('signer_authority', sa.String(length=120), nullable=False),
    sa.Column('signer_title', sa.String(length=120), nullable=False),
    sa.Column('signer_name', sa.String(length=255), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('offset_x_mm BETWEEN -20 AND 20', name=op.f('ck_certificate_settings_offset_x_range')),
    sa.CheckConstraint('offset_y_mm BETWEEN -20 AND 20', name=op.f('ck_certificate_settings_offset_y_range')),
    sa.ForeignKeyConstraint(['organiser_id'], ['organisers.id'], name=op.f('fk_certificate_settings_organiser_id_organisers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_certificate_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_settings')),
    sa.UniqueConstraint('organiser_id', name=op.f('uq_certificate_settings_organiser_id'))
    )
    op.create_table('certificate_layout_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('layout_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.Enum('award_form', 'recipient', 'recipient_detail', 'achievement', 'decision', 'place_date', 'signer_title', 'signer_name', name='certificate_field', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('is_printed', sa.Boolean(), nullable=False),
    sa.Column('x_mm', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('y_mm', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('w_mm', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('h_mm', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('font', sa.Enum('serif', 'serif_bold', 'serif_italic', 'serif_bold_italic', 'sans', 'sans_bold', name='certificate_font', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('size_pt', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('min_size_pt', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('align', sa.Enum('left', 'center', 'right', name='certificate_align', native_enum=False, create_constraint=True), nullable=False),
    sa.CheckConstraint('min_size_pt > 0 AND min_size_pt <= size_pt', name=op.f('ck_certificate_layout_fields_min_size_within_size')),
    sa.CheckConstraint('w_mm > 0 AND h_mm > 0', name=op.f('ck_certificate_layout_fields_box_not_empty')),
    sa.CheckConstraint('x_mm >= 0 AND y_mm >= 0', name=op.f('ck_certificate_layout_fields_box_on_paper')),
    sa.ForeignKeyConstraint(['layout_id'], ['certificate_layouts.id'], name=op.f('fk_certificate_layout_fields_layout_id_certificate_layouts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_layout_fields')),
    sa.UniqueConstraint('layout_id', 'field', name=op.f('uq_certificate_layout_fields_layout_id_field'))
    )
    with op.batch_alter_table('certificate_layout_fields', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_layout_fields_layout_id'), ['layout_id'], unique=False)



def downgrade():
    with op.batch_alter_table('certificate_layout_fields', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_layout_fields_layout_id'))

    op.drop_table('certificate_layout_fields')
    op.drop_table('certificate_settings')
    op.drop_table('certificate_layouts')
