# Zoo's two entry points. `make run` installs what is missing, builds in release mode and trains
# a model (MODEL, ARGS); `make test` installs what is missing and runs the test suite in release mode.
MODEL ?= lenet
ARGS ?=
SWIFT_RELEASE := swift build -c release

.PHONY: run test build dependencies bench clean

run: build
	.build/release/zoo run $(MODEL) --dataset fashion-mnist $(ARGS)

test: dependencies
	swift test -c release -Xswiftc -enable-testing

build: dependencies
	$(SWIFT_RELEASE)

bench: build
	.build/release/zoo bench $(ARGS)

dependencies:
	@scripts/install-dependencies

clean:
	rm -rf .build
