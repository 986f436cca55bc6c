"""Leader of the rehearsal's process group: ends the whole group when the rehearsal dies.

Started first, so every later process joins its group. It waits for end-of-file on stdin,
which it gets when the rehearsal exits for any reason, even SIGKILL, then sends SIGTERM and,
after a grace period, SIGKILL to the group. Run as a script: it imports nothing of the project.
"""

import os
import signal
import sys
import time

GRACE_SECONDS = 5


def main() -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.stdin.buffer.read()
    group = os.getpgid(0)
    try:
        os.killpg(group, signal.SIGTERM)
        time.sleep(GRACE_SECONDS)
        os.killpg(group, signal.SIGKILL)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    main()
