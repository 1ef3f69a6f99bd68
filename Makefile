# The two commands of the README: run the forum with demo data, and run every test.
.PHONY: run test

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)
