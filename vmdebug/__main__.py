import sys

try:
    from vmdebug.cli import run
except KeyboardInterrupt:   # Ctrl-C while Python is still importing: one line, never a traceback
    print("vmdebug: interrupted", file=sys.stderr)
    sys.exit(130)

run()
