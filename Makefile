# Zoo's two entry points. `make run` installs what is missing, builds in release mode and trains
# a model (MODEL, ARGS); `make test` installs what is missing, runs the test suite in release mode
# and fuzzes the file parsers briefly (`make fuzz` for long).
MODEL ?= lenet
ARGS ?=
SWIFT_RELEASE := swift build -c release
# Tests, the zoo binary they run and the fuzzer are built in one release build with testing enabled.
TEST_FLAGS := -c release -Xswiftc -enable-testing
FUZZ_BUILD := swift build $(TEST_FLAGS)
FUZZ_COUNT ?= 100000

.PHONY: run test test-debug fuzz fuzz-asan libfuzzer build dependencies bench clean

run: build
	.build/release/zoo run $(MODEL) --dataset fashion-mnist $(ARGS)

test: dependencies
	swift build $(TEST_FLAGS) --build-tests
	swift test $(TEST_FLAGS) --skip-build
	.build/release/zoo-fuzz --count 1000

# The test suite in a debug build, where assertions are on as well as the precondition, bounds and
# overflow checks that release builds keep. The regression and kill tests, which train for seconds in
# release, would take many minutes here, as would the benchmark tests and the runs under mpirun (the
# engine's C kernels are unoptimised in a debug build): they run in release only; the data-parallel
# training loop itself is still tested here, with threads as processes.
test-debug: dependencies
	swift build --build-tests
	swift test --skip-build --skip RegressionTests --skip RunSurvivalTests --skip BenchCommandTests --skip CLITests.DataParallelTests

fuzz: dependencies
	$(FUZZ_BUILD)
	.build/release/zoo-fuzz --count $(FUZZ_COUNT) $(ARGS)

# The fuzzer in a debug build under AddressSanitizer (assertions on, and ASan's checks of the C code). ASan's shadow memory defeats RLIMIT_DATA, so ASan bounds RSS.
fuzz-asan: dependencies
	swift build -c debug -Xswiftc -sanitize=address --scratch-path .build-asan --product zoo-fuzz
	ASAN_OPTIONS=hard_rss_limit_mb=2048:detect_leaks=0 .build-asan/debug/zoo-fuzz --memory-mb 0 --e2e-count 0 --count 1000 $(ARGS)

# Coverage-guided fuzzing of the safetensors reader with libFuzzer (SECONDS, default 60).
libfuzzer: dependencies
	scripts/libfuzzer $(SECONDS)

build: dependencies
	$(SWIFT_RELEASE)

bench: build
	.build/release/zoo bench $(ARGS)

dependencies:
	@scripts/install-dependencies

clean:
	rm -rf .build
