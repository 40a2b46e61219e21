"""The extraction stages, one module each (docs/stages.md):

entities (stage 2 rules) → times → places → actors → quantities → events → claims.
Each module holds plain functions over a spaCy ``Doc`` and a thin spaCy component
registered as ``newsevents_<stage>``.

``newsevents.extract`` is also the library's main function (``newsevents.extract(text)``):
Python binds a package's submodule as an attribute of the package, which would shadow the
function of the same name, so this package module itself is callable and delegates to
:func:`newsevents.api.extract`.
"""

import sys
import types


class _CallableModule(types.ModuleType):
    def __call__(self, *args, **kwargs):
        from ..api import extract
        return extract(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
