"""`python -m bench` (`make bench`): the load test of bench/load.py."""

from bench.load import main

main()
