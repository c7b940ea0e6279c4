"""``python -m deskapp``: the ``deskapp`` command, for a Python with no script on its PATH."""

import sys

from deskapp.cli import main

sys.exit(main())
