"""The data model: vocabularies, table specifications and EDTF date bounds.

Nothing in this package imports pandas; it depends on pyarrow and edtf only where needed.
"""
