"""The extraction stages, one module each (docs/DESIGN order):

entities (stage 2 rules) → times → places → actors → quantities → events → claims.
Each module holds plain functions over a spaCy ``Doc`` and a thin spaCy component
registered as ``newsevents_<stage>``.
"""
