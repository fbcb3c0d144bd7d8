import sys

from lamcheck.cli import main

sys.exit(main())
