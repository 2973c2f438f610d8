import sys

from vmdebug.cli import main

sys.exit(main())
