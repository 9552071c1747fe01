"""The API's JSON written by orjson.

DRF's renderer encodes with the standard library's ``json`` module and a Python ``default``
for every value it does not know: several per cent of a list request's Python time, more for a
report's tables (``docs/BENCHMARKS.md``). This renderer gives the same text: compact,
UTF-8 unescaped, U+2028 and U+2029 escaped as DRF does, and every value that is not plain JSON
(dates and times, decimals, lazy translations, sets …) handed to DRF's own encoder, so that a
time in UTC still ends in ``Z`` as DRF writes it. Pretty-printed answers (``indent``, the
browsable API) stay DRF's. One difference: a float that is not a number is written as
``null`` where DRF refuses it.
"""

import orjson
from rest_framework import renderers
from rest_framework.utils.encoders import JSONEncoder

OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
OPTIONS |= orjson.OPT_NON_STR_KEYS
LINE_SEPARATOR, PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class JSONRenderer(renderers.JSONRenderer):
    encoder = JSONEncoder()

    def render(self, data, accepted_media_type=None, renderer_context=None):
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        if data is None or indent is not None or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        written = orjson.dumps(data, default=self.encoder.default, option=OPTIONS)
        if LINE_SEPARATOR in written or PARAGRAPH_SEPARATOR in written:
            written = written.replace(LINE_SEPARATOR, b"\\u2028")
            written = written.replace(PARAGRAPH_SEPARATOR, b"\\u2029")
        return written
