"""Contract of the rows a SEN2 return lands: those of the bespoke extract (jsna.schemas.ehcp_cases), with
one more value of `transfer`: 'historical', a plan whose decision to issue came before the collection
(request and assessment outcome H). Like statement and LDA transfers, it counts among plans maintained
and never as a new request or a new plan."""

from __future__ import annotations

import pandera.pandas as pa

from jsna.schemas.ehcp_cases import EHCP_CASES
from jsna.schemas.vocab import TRANSFERS

HISTORICAL = "historical"

SEN2_ROWS = EHCP_CASES.remove_columns(["transfer"]).add_columns({
    "transfer": pa.Column(None, pa.Check.isin([*sorted(set(TRANSFERS.values())), HISTORICAL]), nullable=True),
})
