import sys

from arangolite.cli import main

sys.exit(main())
