"""``python -m chrono``: the ``chrono`` command, where its script is not on the PATH."""

from chrono.cli import main

if __name__ == "__main__":
    main(prog_name="chrono")
