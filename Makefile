# Zoo's two entry points. `make run` installs what is missing, builds in release mode and trains
# a model (MODEL, ARGS); `make test` installs what is missing, runs the test suite in release mode
# and fuzzes the file parsers briefly (`make fuzz` for long).
MODEL ?= lenet
ARGS ?=
SWIFT_RELEASE := swift build -c release
# The fuzzer is built with the test suite's flags, so that it reuses the modules `swift test` built.
FUZZ_BUILD := swift build -c release -Xswiftc -enable-testing
FUZZ_COUNT ?= 100000

.PHONY: run test fuzz build dependencies bench clean

run: build
	.build/release/zoo run $(MODEL) --dataset fashion-mnist $(ARGS)

test: dependencies
	swift test -c release -Xswiftc -enable-testing
	$(FUZZ_BUILD)
	.build/release/zoo-fuzz --count 1000

fuzz: dependencies
	$(FUZZ_BUILD)
	.build/release/zoo-fuzz --count $(FUZZ_COUNT) $(ARGS)

build: dependencies
	$(SWIFT_RELEASE)

bench: build
	.build/release/zoo bench $(ARGS)

dependencies:
	@scripts/install-dependencies

clean:
	rm -rf .build
